/**
 * Payment card numbers: 13–19 digits passing the Luhn check, with an issuer
 * prefix of a payment network (ISO/IEC 7812 major industry 3–6: UnionPay 62,
 * Visa 4, Mastercard 51–55, Amex 34/37, JCB 35, Discover 6; plus
 * Mastercard's 2221–2720 range). The prefix cuts the false positives Luhn
 * alone leaves (one random number in ten passes Luhn): order numbers, which
 * in China usually start with a date (`2024…`), and phone-like numbers.
 */

/** True when the digit string passes the Luhn check. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 0x30;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** True when `digits` (ASCII digits only) looks like a payment card number. */
export function isBankCard(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19 || !/^\d+$/.test(digits)) return false;
  const first = digits.charCodeAt(0) - 0x30;
  const prefix4 = Number(digits.slice(0, 4));
  const issuer = (first >= 3 && first <= 6) || (digits.length === 16 && prefix4 >= 2221 && prefix4 <= 2720);
  return issuer && luhnValid(digits);
}
