/**
 * The hand-over operations (RM departure, issue 6 item 7): start one, read one, list them, and
 * everything involving an RM. Thin: validation was done; the port decides and says what the audit
 * event records (the job id; RMs and customers as blind indexes, never their ids).
 */
import { allows } from '../../auth/roles';
import type { HandoverPort } from '../ports';
import type { Handler } from '../typed';

/** POST /handovers. */
export function startHandoverHandler(handover: HandoverPort): Handler<'startHandover'> {
  return async ({ actor, body }) => {
    const { handover: started, audit } = await handover.start(body, actor);
    return { body: started, audit };
  };
}

/** GET /handovers/{handoverId}. */
export function getHandoverHandler(handover: HandoverPort): Handler<'getHandover'> {
  return async ({ path }) => {
    const { handover: found, audit } = await handover.get(path.handoverId);
    return { body: found, audit };
  };
}

/** GET /handovers. */
export function listHandoversHandler(handover: HandoverPort): Handler<'listHandovers'> {
  return async ({ query }) => {
    const { list, audit } = await handover.list({ ...(query.corp ? { corp: query.corp } : {}), ...(query.status ? { status: query.status } : {}), limit: query.limit ?? 50 });
    return { body: list, audit };
  };
}

/** GET /rms/{corp}/{userid}/records: decrypt=true needs consent:read as well. */
export function listRmRecordsHandler(handover: HandoverPort): Handler<'listRmRecords'> {
  return async ({ actor, path, query }) => {
    const { page, audit } = await handover.rmRecords(path.corp, path.userid, { decrypt: query.decrypt ?? false, ...(query.cursor ? { cursor: query.cursor } : {}), limit: query.limit ?? 50 }, allows(actor.roles, 'consent:read'));
    return { body: page, audit };
  };
}
