/**
 * How the consent, bindings and rights commands name a person, and read
 * evidence files. A person is KIND:ID@ACCOUNT, e.g.
 * openid:oAbCdEfGhIjKlMnOpQrStUvWx1@retail-oa (the account or corp id of the
 * configuration). Bad arguments are usage errors (exit 2).
 */
import { readFileSync } from 'node:fs';
import type { components } from '../../gateway/admin-api/generated/openapi';
import { CliFailure } from '../api-client';

export type PersonRef = components['schemas']['PersonRef'];

const KINDS = new Set(['openid', 'unionid', 'external_userid']);

/** The help text of a <person> argument. */
export const PERSON_HELP = 'the person as KIND:ID@ACCOUNT (KIND openid, unionid or external_userid; ACCOUNT the configured account or corp)';

/** Parse KIND:ID@ACCOUNT. @throws CliFailure 2 */
export function parsePerson(spec: string): PersonRef {
  const match = /^([a-z_]+):([^@]+)@(.+)$/.exec(spec);
  if (!match || !KINDS.has(match[1]!)) throw new CliFailure(2, 'a person is KIND:ID@ACCOUNT, e.g. openid:oAbCdEfGhIjKlMnOpQrStUvWx1@retail-oa (KIND openid, unionid or external_userid)');
  return { kind: match[1] as PersonRef['kind'], id: match[2]!, account: match[3]! };
}

/** A JSON object from `file` (evidence). @throws CliFailure 2 */
export function readJsonObject(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliFailure(2, `cannot read ${file}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliFailure(2, `${file} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliFailure(2, `${file} must hold a JSON object`);
  return value as Record<string, unknown>;
}

/** A comma-separated list (empty for none). */
export function list(value: string | undefined): string[] {
  return (value ?? '').split(',').map((v) => v.trim()).filter((v) => v.length > 0);
}
