/**
 * The common step of the chat-archive HTTP APIs (wecom.md §6.2): only a token
 * of the corp's 会话内容存档 secret may call them; an app's or the contact
 * secret's token gets 48002 "api forbidden".
 */
import type Koa from 'koa';
import type { SimulatedCorp } from '../state/wecom-corps';
import { wecomEndpoint, wecomFail, type WecomApiDeps, type WecomCall, type WecomResult } from './wecom-endpoint';

/** A msgaudit call after the token check: the corp and the JSON body. */
export type MsgauditCall = WecomCall & { corp: SimulatedCorp };

/** Wrap `handler` in the WeCom steps and the msgaudit-secret check; mount with `router.all`. */
export function msgauditEndpoint(deps: WecomApiDeps, path: string, handler: (call: MsgauditCall) => WecomResult): Koa.Middleware {
  return wecomEndpoint(deps, path, (call) => {
    if (call.principal.kind !== 'msgaudit') return wecomFail(48002, `api forbidden: ${path} needs the chat archive (msgaudit) secret`);
    return handler(call);
  });
}

/** Is `userid` one of the corp's members? (userids compare case-insensitively) */
export function isMember(corp: SimulatedCorp, userid: string): boolean {
  return corp.members.some((m) => m.toLowerCase() === userid.toLowerCase());
}
