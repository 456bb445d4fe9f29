/**
 * Runs the enabled PII detectors over one text and returns non-overlapping
 * matches (positions in the original text, for masking). E-mail addresses
 * are found first and win over digits inside them (`13800138000@qq.com` is
 * one e-mail, not a mobile). Within a run of digit groups the longest span
 * of whole groups that is a resident id, a mobile or a card is taken first,
 * left to right, so `13800138000 13900139000` is two mobiles and
 * `6222 0212 3456 7890 123` one card.
 */
import type { PiiDetector } from '../../connectors/canonical/decision';
import { isBankCard } from './bank-card';
import { findDigitRuns, type DigitGroup } from './digit-runs';
import { findEmails } from './email';
import { isMobile } from './mobile';
import { isResidentId } from './resident-id';

export interface PiiMatch {
  detector: PiiDetector;
  start: number;
  /** Exclusive. */
  end: number;
}

/** Which detectors to run. */
export type EnabledDetectors = Readonly<Record<PiiDetector, boolean>>;

/** Every PII match in `text`, ordered by position. `now` bounds resident-id birth dates. */
export function detectPii(text: string, enabled: EnabledDetectors, now: number): PiiMatch[] {
  const matches: PiiMatch[] = [];
  // Found even when the e-mail detector is off: digits inside an address are not a phone number.
  const emails = findEmails(text);
  if (enabled.email) for (const e of emails) matches.push({ detector: 'email', start: e.start, end: e.end });
  if (enabled.prcResidentId || enabled.bankCard || enabled.mobile) {
    let e = 0; // emails and runs both come left to right: one pass skips digits inside addresses
    for (const run of findDigitRuns(text)) {
      for (const m of classifyRun(run, enabled, now)) {
        while (e < emails.length && emails[e]!.end <= m.start) e++;
        const email = emails[e];
        if (!email || m.end <= email.start) matches.push(m);
      }
    }
  }
  return matches.sort((a, b) => a.start - b.start);
}

// The longest number any detector accepts (a 19-digit card): bounds the spans tried per group.
const MAX_DIGITS = 19;

function classifyRun(run: DigitGroup[], enabled: EnabledDetectors, now: number): PiiMatch[] {
  const out: PiiMatch[] = [];
  let i = 0;
  while (i < run.length) {
    let end = i;
    let length = 0;
    while (end < run.length && length + run[end]!.digits.length <= MAX_DIGITS) length += run[end++]!.digits.length;
    let found = false;
    for (let j = end - 1; j >= i && !found; j--) {
      let digits = '';
      for (let k = i; k <= j; k++) digits += run[k]!.digits;
      const detector = classify(digits, enabled, now);
      if (detector) {
        out.push({ detector, start: run[i]!.start, end: run[j]!.end });
        i = j + 1;
        found = true;
      }
    }
    if (!found) i++;
  }
  return out;
}

function classify(digits: string, enabled: EnabledDetectors, now: number): PiiDetector | undefined {
  if (digits.length < 11 || digits.length > MAX_DIGITS) return undefined;
  if (enabled.prcResidentId && isResidentId(digits, now)) return 'prcResidentId';
  if (enabled.mobile && isMobile(digits)) return 'mobile';
  if (enabled.bankCard && isBankCard(digits)) return 'bankCard';
  return undefined;
}
