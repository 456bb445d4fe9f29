/**
 * PRC resident identity card number (GB 11643-1999): 6-digit region code,
 * 8-digit birth date, 3-digit sequence, check character (0–9 or X) =
 * `10X98765432`[Σ(digit × weight) mod 11]. A candidate must also have a
 * province prefix that exists and a real birth date between 1900 and `now`,
 * so a random 18-digit order number passes only by a ~1-in-200 accident of
 * all three.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK = '10X98765432';
// Province-level codes (first two digits), incl. Taiwan 71, Hong Kong 81, Macau 82 and 83 (residence permits).
const PROVINCES = new Set(['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82', '83']);

/** The GB 11643 check character for the first 17 digits. */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 0x30) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/** True when `id` (ASCII digits, last may be X/x) is a plausible resident id as of `now` (epoch ms). */
export function isResidentId(id: string, now: number): boolean {
  if (id.length !== 18 || !/^\d{17}[\dXx]$/.test(id)) return false;
  if (!PROVINCES.has(id.slice(0, 2))) return false;
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const birth = Date.UTC(year, month - 1, day);
  const date = new Date(birth);
  if (year < 1900 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || birth > now) return false;
  return residentIdCheckChar(id) === id[17]!.toUpperCase();
}
