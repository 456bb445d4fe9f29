/**
 * Mask formats (what `pii.masked` leaves in the body):
 *  - resident id, bank card, mobile: every digit (and an id's X) except the
 *    last four becomes `*`; separators and a leading `+` stay, so the shape
 *    of the number is kept: `6222 0212 3456 7890` → `**** **** **** 7890`,
 *    `+86 138 0013 8000` → `+** *** **** 8000`, `11010119900307123X` →
 *    `**************123X`;
 *  - e-mail: the local part becomes its first character and `***`, the
 *    domain stays: `zhang.san@bank.example` → `z***@bank.example`.
 */
import type { PiiMatch } from './detect';
import { digitValue } from './chars';

/** `text` with every match masked (matches must not overlap). */
export function maskMatches(text: string, matches: readonly PiiMatch[]): string {
  let out = '';
  let at = 0;
  for (const m of matches) {
    out += text.slice(at, m.start) + maskOne(text.slice(m.start, m.end), m.detector === 'email');
    at = m.end;
  }
  return out + text.slice(at);
}

function maskOne(span: string, email: boolean): string {
  if (email) {
    const at = Math.max(span.indexOf('@'), span.indexOf('\uff20'));
    return `${span[0]}***${span.slice(at)}`;
  }
  let keep = 4;
  let out = '';
  for (let i = span.length - 1; i >= 0; i--) {
    const unit = span.charCodeAt(i);
    const isDigit = digitValue(unit) >= 0 || unit === 0x58 || unit === 0x78 || unit === 0xff38 || unit === 0xff58;
    if (isDigit && keep > 0) {
      keep--;
      out = span[i] + out;
    } else out = (isDigit ? '*' : span[i]) + out;
  }
  return out;
}
