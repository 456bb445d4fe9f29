/**
 * The common step of the customer-contact (客户联系) APIs used for hand-over:
 * only a token of the corp's contact secret may call them (48002 otherwise,
 * as for add_msg_template), and takeovers due on the simulator clock are
 * applied before the handler reads the state.
 */
import type Koa from 'koa';
import { wecomEndpoint, wecomFail, type WecomApiDeps, type WecomCall, type WecomResult } from './wecom-endpoint';

/** Wrap `handler` in the WeCom steps, the contact-secret check and settlement; mount with `router.all`. */
export function contactEndpoint(deps: WecomApiDeps, path: string, handler: (call: WecomCall) => WecomResult, options: { method?: 'GET' | 'POST' } = {}): Koa.Middleware {
  return wecomEndpoint(deps, path, (call) => {
    if (call.principal.kind !== 'contact') return wecomFail(48002, `api forbidden: ${path} needs the customer contact secret`);
    deps.settleTransfers(call.corp.corpId);
    return handler(call);
  }, options);
}

/** A list of non-empty strings, or undefined when `value` is anything else. */
export function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '') ? (value as string[]) : undefined;
}

/** The corp member `userid` as the corp spells it, when it is one. */
export function memberOf(deps: WecomApiDeps, corpId: string, userid: string): string | undefined {
  return deps.corps.get(corpId)?.members.find((m) => m.toLowerCase() === userid.toLowerCase());
}

/** A member still in service (not departed). */
export function activeMember(deps: WecomApiDeps, corpId: string, userid: string): string | undefined {
  const member = memberOf(deps, corpId, userid);
  return member !== undefined && deps.contacts.departedAt(corpId, member) === undefined ? member : undefined;
}

/** An opaque cursor for offset `n` (base64url of "o:<n>"); `parseCursor` reads it back. */
export function cursorFor(n: number): string {
  return Buffer.from(`o:${n}`).toString('base64url');
}

/** The offset of a cursor this simulator issued; 0 for none; undefined for a foreign one. */
export function parseCursor(value: unknown): number | undefined {
  if (value === undefined || value === '') return 0;
  if (typeof value !== 'string') return undefined;
  const match = /^o:(\d{1,9})$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  return match ? Number(match[1]) : undefined;
}
