/**
 * Finds numbers that stand alone in a text and splits them into digit
 * groups: `138 0013 8000` is one run of three groups, `13800138000
 * 13900139000` one run of two. A run is not standalone when a letter or
 * digit touches it, or a decimal point or thousands comma joins it to more
 * digits (`13800138000.00`, `1,380,013,800`): that is part of a longer
 * token, an amount or a code, not PII.
 */
import { digitValue, isGroupSeparator, isLetter } from './chars';

export interface DigitGroup {
  start: number;
  /** Exclusive. */
  end: number;
  /** ASCII digits (full-width folded), with a trailing X when the group ends with one. */
  digits: string;
}

/** Every standalone run of digit groups in `text`. */
export function findDigitRuns(text: string): DigitGroup[][] {
  const runs: DigitGroup[][] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (digitValue(text.charCodeAt(i)) < 0) {
      i++;
      continue;
    }
    const joinedLeft = i > 0 && (isWordUnit(text.charCodeAt(i - 1)) || joinsNumber(text, i - 1, -1));
    const run: DigitGroup[] = [];
    for (;;) {
      const group = readGroup(text, i);
      run.push(group);
      i = group.end;
      if (i + 1 < n && isGroupSeparator(text.charCodeAt(i)) && digitValue(text.charCodeAt(i + 1)) >= 0) i++;
      else break;
    }
    // Letters or digits touching the run: skip the whole token (the loop above stopped at it).
    const joinedRight = i < n && (isLetter(text.charCodeAt(i)) || joinsNumber(text, i, 1));
    if (joinedLeft) run.shift();
    if (joinedRight) run.pop();
    while (i < n && (isWordUnit(text.charCodeAt(i)))) i++;
    if (run.length > 0) runs.push(run);
  }
  return runs;
}

function readGroup(text: string, start: number): DigitGroup {
  let i = start;
  let digits = '';
  for (let d = digitValue(text.charCodeAt(i)); d >= 0; d = digitValue(text.charCodeAt(i))) {
    digits += String.fromCharCode(0x30 + d);
    i++;
  }
  const next = text.charCodeAt(i);
  // A resident id's check character X belongs to the number when nothing alphanumeric follows it.
  if ((next === 0x58 || next === 0x78 || next === 0xff38 || next === 0xff58) && !isWordUnit(text.charCodeAt(i + 1))) {
    digits += 'X';
    i++;
  }
  return { start, end: i, digits };
}

function isWordUnit(unit: number): boolean {
  return digitValue(unit) >= 0 || isLetter(unit);
}

/** A `.` or `,` at `at` followed (direction 1) or preceded (-1) by a digit: decimals and thousands. */
function joinsNumber(text: string, at: number, direction: 1 | -1): boolean {
  const unit = text.charCodeAt(at);
  if (unit !== 0x2e && unit !== 0x2c && unit !== 0xff0e && unit !== 0xff0c) return false;
  return digitValue(text.charCodeAt(at + direction)) >= 0;
}
