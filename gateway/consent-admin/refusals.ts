/** The consent core's typed refusals become admin API problems here, in one place, carrying what the failure's audit event records. */
import { AdminError } from '../admin-api/admin-error';
import type { AuditFacts } from '../admin-api/ports';
import { BindingConflictError } from '../consent/bindings';
import { ConsentInputError } from '../consent/ledger';

/** Run `work`; ConsentInputError → 400 invalid (its message names the field), BindingConflictError → 409 binding_conflict. */
export async function refusingBadInput<T>(facts: AuditFacts, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ConsentInputError) throw new AdminError('invalid', err.message, { audit: facts, cause: err });
    if (err instanceof BindingConflictError) throw new AdminError('binding_conflict', `${err.message}: openids are per Official Account, so it cannot be bound on this one`, { audit: facts, cause: err });
    throw err;
  }
}
