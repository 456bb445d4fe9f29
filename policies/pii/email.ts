/**
 * E-mail addresses (ASCII; `＠` counts as `@`): a local part of
 * `[A-Za-z0-9._%+-]`, a domain of at least two non-empty labels and a
 * top-level label of two or more letters. Found by looking outward from each
 * `@`, which is rare in text, so the scan costs one indexOf when there is none.
 */
export interface EmailSpan {
  start: number;
  /** Exclusive. */
  end: number;
  /** Index of the `@`. */
  at: number;
}

const LOCAL = /[A-Za-z0-9._%+-]/;
const DOMAIN = /[A-Za-z0-9.-]/;

/** Every e-mail address in `text`, left to right. */
export function findEmails(text: string): EmailSpan[] {
  const out: EmailSpan[] = [];
  let from = 0;
  for (;;) {
    const ascii = text.indexOf('@', from);
    const wide = text.indexOf('\uff20', from);
    const at = ascii < 0 ? wide : wide < 0 ? ascii : Math.min(ascii, wide);
    if (at < 0) return out;
    from = at + 1;
    let start = at;
    while (start > 0 && LOCAL.test(text[start - 1]!)) start--;
    while (start < at && text[start] === '.') start++;
    let end = at + 1;
    while (end < text.length && DOMAIN.test(text[end]!)) end++;
    while (end > at + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
    if (start === at || text[at - 1] === '.' || !validDomain(text.slice(at + 1, end))) continue;
    out.push({ start, end, at });
    from = end;
  }
}

function validDomain(domain: string): boolean {
  const labels = domain.split('.');
  if (labels.length < 2 || labels.some((l) => l.length === 0 || l.startsWith('-') || l.endsWith('-'))) return false;
  return /^[A-Za-z]{2,}$/.test(labels[labels.length - 1]!);
}
