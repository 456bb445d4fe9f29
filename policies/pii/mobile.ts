/**
 * PRC mobile numbers: 11 digits `1[3-9]xxxxxxxxx`, optionally with the
 * country code written `86`, `+86` or `0086` in front (the `+` is outside
 * the digits and stays in the text).
 */
const NATIONAL = /^1[3-9]\d{9}$/;

/** True when `digits` (ASCII digits only) is a PRC mobile number, with or without 86 / 0086. */
export function isMobile(digits: string): boolean {
  if (digits.length === 11) return NATIONAL.test(digits);
  if (digits.length === 13) return digits.startsWith('86') && NATIONAL.test(digits.slice(2));
  if (digits.length === 15) return digits.startsWith('0086') && NATIONAL.test(digits.slice(4));
  return false;
}
