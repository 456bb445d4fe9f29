/**
 * The policy version: sha256 hex of the canonical JSON (connectors/canonical/json.ts)
 * of the validated, defaults-applied policy. Reformatting the YAML, reordering
 * keys, writing `2d` for `48h` or spelling out a default changes nothing;
 * any semantic change changes the version. Lists keep their order (it is
 * meaningful: quotas are first-match, route order picks the approver group),
 * except lexicon terms, which are sorted by id because their order means nothing.
 */
import { canonicalHash } from '../connectors/canonical/json';
import type { Policy } from './schema';

/** The policy in the form that is hashed. */
export function canonicalPolicy(policy: Policy): Policy {
  return {
    ...policy,
    lexicons: policy.lexicons.map((l) => ({ ...l, terms: [...l.terms].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) })),
  };
}

/** sha256 hex of the canonical form of a validated policy. */
export function policyVersion(policy: Policy): string {
  return canonicalHash(canonicalPolicy(policy));
}
