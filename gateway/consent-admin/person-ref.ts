/**
 * A person as the admin API names one ({kind, id, account}) becomes the
 * ledger's PersonRef only for an account the gateway has: openids and
 * unionids belong to an Official Account, external_userids to a WeCom corp.
 * What an operation audits about a person is its blind index, never the id.
 */
import { AdminError } from '../admin-api/admin-error';
import type { ApiPersonRef, AuditFacts } from '../admin-api/ports';
import type { PersonRef } from '../consent/ports';
import type { ConsentAdminDeps } from './deps';

/** The ledger's PersonRef. @throws AdminError invalid naming the field (`pointer`) when the account is not configured for that kind of id */
export function toPersonRef(deps: Pick<ConsentAdminDeps, 'accounts' | 'corps'>, person: ApiPersonRef, pointer: string): PersonRef {
  const wantsCorp = person.kind === 'external_userid';
  const known = wantsCorp ? deps.corps.some((c) => c.id === person.account) : deps.accounts.some((a) => a.id === person.account);
  if (!known) {
    const what = wantsCorp ? 'WeCom corp' : 'Official Account';
    const message = `is not a configured ${what} (an ${person.kind} belongs to one)`;
    throw new AdminError('invalid', `${pointer} ${person.account} ${message}`, { errors: [{ pointer, message }] });
  }
  return { kind: person.kind, id: person.id, accountId: person.account };
}

/** The API's shape of a ledger PersonRef. */
export function toApiPerson(person: PersonRef): ApiPersonRef {
  return { kind: person.kind, id: person.id, account: person.accountId };
}

/** What the audit event of an operation on `person` says: the account as target, the person as a blind index. */
export function personFacts(deps: Pick<ConsentAdminDeps, 'consent'>, person: PersonRef, details: Record<string, unknown> = {}): AuditFacts {
  return { target: person.accountId, details: { subjectIndex: deps.consent.index(person), kind: person.kind, ...details } };
}

/** An instant the caller gave (ISO date-time), or now; never in the future. @throws AdminError invalid */
export function occurredAt(deps: Pick<ConsentAdminDeps, 'now'>, iso: string | undefined, pointer: string): number {
  const now = deps.now();
  if (iso === undefined) return now;
  const at = Date.parse(iso);
  // A minute of slack for the caller's clock.
  if (!Number.isSafeInteger(at) || at <= 0 || at > now + 60_000) throw new AdminError('invalid', `${pointer} is in the future`, { errors: [{ pointer, message: 'is in the future' }] });
  return at;
}
