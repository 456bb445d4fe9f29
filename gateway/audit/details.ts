/**
 * Audit details are evidence, not content: identifiers, codes, counts and
 * hashes. Keys that would carry secrets or message text are refused at record
 * time, so a careless caller fails loudly in tests instead of writing PII
 * into a log that can never be edited.
 */
import { canonicalJson } from '../../connectors/canonical/json';

/** Largest canonical details text accepted. */
export const MAX_DETAILS_CHARS = 4000;

// Matched against every key at any depth, case-insensitively.
const FORBIDDEN_KEY = /token|secret|password|authorization|cookie|aeskey|^body$|^text$|^texts$|^content$|^note$|^reason$|^comment$|^message$|openid|userid|phone|email/i;

/** A details object was refused; the message names the key or the size, never a value. */
export class AuditDetailsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditDetailsError';
  }
}

/** The canonical text of `details`. @throws AuditDetailsError for a forbidden key or oversize; CanonicalJsonError for non-canonical values */
export function serialiseDetails(details: Record<string, unknown>): string {
  checkKeys(details, '$');
  const text = canonicalJson(details);
  if (text.length > MAX_DETAILS_CHARS) throw new AuditDetailsError(`audit details are ${text.length} characters (at most ${MAX_DETAILS_CHARS})`);
  return text;
}

function checkKeys(value: unknown, path: string): void {
  if (Array.isArray(value)) value.forEach((item, i) => checkKeys(item, `${path}[${i}]`));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (FORBIDDEN_KEY.test(key)) throw new AuditDetailsError(`audit details may not carry "${key}" (at ${path}): record a hash or a code instead`);
      checkKeys(item, `${path}.${key}`);
    }
  }
}
