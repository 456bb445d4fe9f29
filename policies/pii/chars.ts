/** Character classes the PII scanners share. Full-width digits count as digits: `１３８…` is still a phone number. */

/** The digit value of the code unit, or -1. */
export function digitValue(unit: number): number {
  if (unit >= 0x30 && unit <= 0x39) return unit - 0x30;
  if (unit >= 0xff10 && unit <= 0xff19) return unit - 0xff10;
  return -1;
}

/** ASCII or full-width letter. */
export function isLetter(unit: number): boolean {
  const lower = unit | 0x20;
  if (lower >= 0x61 && lower <= 0x7a) return true;
  return (unit >= 0xff21 && unit <= 0xff3a) || (unit >= 0xff41 && unit <= 0xff5a);
}

/** A single character allowed between digit groups of one number (`138 0013 8000`, `6222-0212-…`). */
export function isGroupSeparator(unit: number): boolean {
  return unit === 0x20 || unit === 0xa0 || unit === 0x3000 || unit === 0x2d || unit === 0xff0d || (unit >= 0x2010 && unit <= 0x2014);
}
