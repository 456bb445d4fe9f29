/**
 * Tell an app what finally happened to a message it was answered "held" (or
 * "queued") for: delivered, rejected, expired, denied at release, failed.
 * JSON POSTed to the app's eventsUrl, signed with HMAC-SHA256 keyed by the
 * app's gateway-issued secret over `<timestamp>.<body>`; never message text.
 */
import { createHmac } from 'node:crypto';
import { reasonCodesOf, type OutboundMessageRow } from '../db/entities';
import type { AppConfig } from '../config/schema';

/** The JSON body of an outcome event (documented in docs/outbound.md). */
export function outcomeEvent(msg: OutboundMessageRow, atMs: number): Record<string, unknown> {
  return {
    event: 'cgw.outbound.status',
    msgid: msg.id,
    cgw_msgid: String(msg.id),
    account: msg.accountId,
    kind: msg.kind,
    status: msg.status,
    reason_codes: reasonCodesOf(msg),
    tencent_errcode: msg.tencentErrcode,
    tencent_msgid: msg.tencentMsgid,
    at: Math.floor(atMs / 1000),
  };
}

/** `t=<unix>,v1=<hex hmac>` over `<t>.<body>`, keyed by the app's secret. */
export function signOutcome(app: AppConfig, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', app.credentials.appSecret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** POST the event; resolves with an error text, or null when the app answered 2xx. */
export async function postOutcome(app: AppConfig, msg: OutboundMessageRow, nowMs: number, timeoutMs: number): Promise<string | null> {
  if (!app.eventsUrl) return null;
  const body = JSON.stringify(outcomeEvent(msg, nowMs));
  try {
    const res = await fetch(app.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cgw-signature': signOutcome(app, body, Math.floor(nowMs / 1000)) },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.ok ? null : `app answered HTTP ${res.status}`;
  } catch (err) {
    return `app unreachable (${(err as Error).name})`;
  }
}
