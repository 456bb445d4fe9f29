/** The audit operations: list (filtered, keyset-paginated) and verify the chain. */
import { AdminError } from '../admin-error';
import type { AuditEvent, AuditLog } from '../../audit/audit-log';
import type { AuditVerifyReport } from '../../audit/verify-audit-log';
import type { components } from '../generated/openapi';
import type { Handler } from '../typed';

type ApiAuditEvent = components['schemas']['AuditEvent'];

/** GET /audit-events. */
export function listAuditEventsHandler(audit: AuditLog): Handler<'listAuditEvents'> {
  return async ({ query }) => {
    const order = query.order ?? 'desc';
    const page = await audit.list({
      ...(query.type ? { type: query.type } : {}),
      ...(query.actor ? { actor: query.actor } : {}),
      ...(query.target ? { target: query.target } : {}),
      ...(query.outcome ? { outcome: query.outcome } : {}),
      ...(query.from ? { fromMs: Date.parse(query.from) } : {}),
      ...(query.to ? { toMs: Date.parse(query.to) } : {}),
      ...(query.cursor ? { cursorSeq: decodeCursor(query.cursor) } : {}),
      order,
      limit: query.limit ?? 50,
    });
    const filter = { type: query.type, actor: query.actor, target: query.target, outcome: query.outcome, from: query.from, to: query.to };
    return {
      body: { items: page.items.map(toApi), nextCursor: page.nextCursorSeq === null ? null : encodeCursor(page.nextCursorSeq) },
      audit: { target: null, details: { filter, count: page.items.length } },
    };
  };
}

/** POST /audit/verify. */
export function verifyAuditHandler(verify: () => Promise<AuditVerifyReport>): Handler<'verifyAuditLog'> {
  return async () => {
    const report = await verify();
    return { body: report, audit: { target: null, details: { ok: report.ok, events: report.events, findings: report.findings.length, headSeq: report.head.seq } } };
  };
}

function toApi(event: AuditEvent): ApiAuditEvent {
  return { ...event, at: new Date(event.at).toISOString() };
}

/** Cursors are opaque to callers; inside, the seq the next page continues after. */
function encodeCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new AdminError('validation_failed', '/query/cursor is not a cursor this API issued', { errors: [{ pointer: '/query/cursor', message: 'is not a cursor this API issued' }] });
  return Number(match[1]);
}
