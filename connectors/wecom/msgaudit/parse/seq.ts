/**
 * GetChatData's seq: an unsigned 64-bit counter (`unsigned long long seq` in
 * the SDK header, wecom.md §6.3), kept as a canonical decimal string because it
 * may exceed 2^53. Records come back strictly after the seq asked for, so a
 * returned seq is at least 1.
 */
import { NumberLiteral, type Parsed } from './json-text';

/** Largest seq (2^64 − 1). */
export const MAX_SEQ = 18446744073709551615n;

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/** The canonical decimal text of a parsed seq, or undefined if it is not an integer 1 … 2^64 − 1. */
export function seqFromParsed(value: Parsed | undefined): string | undefined {
  let text: string;
  if (typeof value === 'number') text = Number.isSafeInteger(value) ? String(value) : '';
  else if (value instanceof NumberLiteral) text = value.source;
  else return undefined;
  return DECIMAL.test(text) && text !== '0' && BigInt(text) <= MAX_SEQ ? text : undefined;
}

/** Whether `text` is a canonical seq cursor (0 … 2^64 − 1; 0 = "from the start"). */
export function isSeqCursor(text: string): boolean {
  return DECIMAL.test(text) && text.length <= 20 && BigInt(text) <= MAX_SEQ;
}

/** Numeric comparison of two canonical seq strings. */
export function compareSeq(a: string, b: string): -1 | 0 | 1 {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}
