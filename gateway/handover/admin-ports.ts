/**
 * The admin API's hand-over port: start, read, list, and everything involving
 * an RM. Refusals become AdminError here (the one mapping to the wire); each
 * answer says what its audit event records — the job id, counts, the RMs as
 * blind indexes, never a userid or external_userid.
 */
import { AdminError } from '../admin-api/admin-error';
import type { AuditFacts, HandoverPort } from '../admin-api/ports';
import type { HandoverDeps } from './deps';
import { BadRmCursor, recordsInvolvingRm } from './rm-records';
import { subjectIndex } from './sealing';
import { HandoverRefusal, startHandover } from './start-handover';
import { handoverView } from './views';

/** Build the port over the hand-over commands. */
export function handoverAdminPorts(deps: HandoverDeps): HandoverPort {
  return {
    async start(request, actor) {
      const facts: AuditFacts = { details: { corp: request.corp, mode: request.mode, fromIndex: subjectIndex(deps.keyStore, request.handoverUserid), toIndex: subjectIndex(deps.keyStore, request.takeoverUserid) } };
      let started;
      try {
        started = await startHandover(deps, request, { subject: actor.subject, via: actor.via });
      } catch (err) {
        if (!(err instanceof HandoverRefusal)) throw err;
        const code = err.code === 'in_progress' ? 'handover_in_progress' : err.code;
        throw new AdminError(code, err.message, { audit: facts, ...(err.pointer ? { errors: [{ pointer: err.pointer, message: err.message }] } : {}) });
      }
      const handover = { ...(await handoverView(deps, started.job.row, false)), duplicate: started.duplicate };
      return {
        handover,
        audit: { target: started.job.row.id, details: { ...facts.details, jobId: started.job.row.id, duplicate: started.duplicate, customers: started.customers, groups: started.groups, skippedBeforeCalling: started.skipped } },
      };
    },

    async get(handoverId) {
      const row = await deps.store.job(handoverId);
      if (!row) throw new AdminError('not_found', `no hand-over ${handoverId}`);
      const handover = await handoverView(deps, row, true);
      return { handover, audit: { target: row.id, details: { corp: row.corpId, status: row.status, customers: handover.customers.total, groups: handover.groups.total } } };
    },

    async list(filter) {
      const rows = await deps.store.listJobs({ ...(filter.corp ? { corpId: filter.corp } : {}), ...(filter.status ? { status: filter.status } : {}), limit: filter.limit });
      const items = [];
      for (const row of rows) items.push(await handoverView(deps, row, false));
      return { list: { items }, audit: { details: { count: items.length, ...(filter.corp ? { corp: filter.corp } : {}), ...(filter.status ? { status: filter.status } : {}) } } };
    },

    async rmRecords(corp, userid, query, mayDecrypt) {
      const rmIndex = subjectIndex(deps.keyStore, userid);
      const facts: AuditFacts = { details: { corp, rmIndex, decrypt: query.decrypt } };
      if (!deps.corps.some((c) => c.id === corp)) throw new AdminError('invalid', `no WeCom corp "${corp}" is configured`, { audit: facts, errors: [{ pointer: '/path/corp', message: 'is not a configured WeCom corp' }] });
      if (query.decrypt && !mayDecrypt) throw new AdminError('forbidden', 'decrypt=true needs the consent:read permission, which your roles do not hold', { audit: facts });
      try {
        const { page, audit } = await recordsInvolvingRm(deps, corp, userid, query);
        return { page, audit: { target: null, details: { ...audit } } };
      } catch (err) {
        if (err instanceof BadRmCursor) throw new AdminError('validation_failed', '/query/cursor is not a cursor this API issued', { audit: facts, errors: [{ pointer: '/query/cursor', message: 'is not a cursor this API issued' }] });
        throw err;
      }
    },
  };
}
