/**
 * The WeCom customer-contact calls a hand-over makes (wecom.md §4.1, §4.2,
 * §4.6, §4.7), all with the corp's contact secret through the gateway's
 * upstream edge (token injected, one refresh on a stale token). A failed call
 * becomes a WecomCallFailure that says whether a retry can help and whether
 * Tencent may have acted on it (`delivered: unknown`: a transfer call whose
 * answer was lost is resolved with transfer_result, never sent again blind).
 */
import type { TencentRequest } from '../../connectors/wechat/api/tencent-api-client';
import type { CallResult } from '../upstream/call-tencent';
import type { HandoverMode } from './types';

/** Call a WeCom API as corp `corpConfigId`'s contact secret. */
export type ContactCall = (corpConfigId: string, request: TencentRequest) => Promise<CallResult>;

export const WECOM_PATHS = {
  list: '/cgi-bin/externalcontact/list',
  unassigned: '/cgi-bin/externalcontact/get_unassigned_list',
  groupList: '/cgi-bin/externalcontact/groupchat/list',
  groupGet: '/cgi-bin/externalcontact/groupchat/get',
  transfer: { 'in-service': '/cgi-bin/externalcontact/transfer_customer', resigned: '/cgi-bin/externalcontact/resigned/transfer_customer' },
  result: { 'in-service': '/cgi-bin/externalcontact/transfer_result', resigned: '/cgi-bin/externalcontact/resigned/transfer_result' },
  groupTransfer: { 'in-service': '/cgi-bin/externalcontact/groupchat/onjob_transfer', resigned: '/cgi-bin/externalcontact/groupchat/transfer' },
} as const;

/** A WeCom call that did not succeed. Its message is safe to store and show (scrubbed by the upstream edge). */
export class WecomCallFailure extends Error {
  override readonly name = 'WecomCallFailure';

  constructor(
    readonly path: string,
    /** Tencent's errcode for the whole call; null for transport failures and missing tokens. */
    readonly errcode: number | null,
    readonly retry: 'backoff' | 'never',
    readonly delivered: 'no' | 'unknown',
    message: string,
  ) {
    super(message);
  }

  /** `wecom.<errcode>` or `wecom.unavailable`. */
  get code(): string {
    return this.errcode === null ? 'wecom.unavailable' : `wecom.${this.errcode}`;
  }
}

/** Tencent's JSON, or @throws WecomCallFailure */
export async function callWecom(call: ContactCall, corpConfigId: string, request: TencentRequest): Promise<Record<string, unknown>> {
  const result = await call(corpConfigId, request);
  if (result.ok) return result.body;
  const e = result.error;
  const errcode = 'errcode' in e && typeof e.errcode === 'number' ? e.errcode : null;
  // An access token still refused after the one refresh is a transient problem of the token, not of the request.
  const retry = e.retry === 'never' ? 'never' : 'backoff';
  return Promise.reject(new WecomCallFailure(request.path, errcode, retry, e.delivered === 'no' ? 'no' : 'unknown', e.safeMessage));
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const objects = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null) : []);
const sameUser = (a: unknown, b: string): boolean => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

/**
 * The customers member `userid` follows (externalcontact/list). A member without customers is
 * 84061 at WeCom: an empty list here. @throws WecomCallFailure (60111: no such member in service)
 */
export async function listCustomers(call: ContactCall, corp: string, userid: string): Promise<string[]> {
  try {
    return strings((await callWecom(call, corp, { method: 'GET', path: WECOM_PATHS.list, query: { userid } })).external_userid);
  } catch (err) {
    if (err instanceof WecomCallFailure && err.errcode === 84061) return [];
    throw err;
  }
}

/** A departed member's customers still to be reassigned (get_unassigned_list, every page). @throws WecomCallFailure */
export async function listUnassigned(call: ContactCall, corp: string, userid: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '';
  for (let page = 0; page < 10_000; page++) {
    const answer = await callWecom(call, corp, { method: 'POST', path: WECOM_PATHS.unassigned, json: { page_size: 1000, cursor } });
    for (const info of objects(answer.info)) if (sameUser(info.handover_userid, userid) && typeof info.external_userid === 'string') found.push(info.external_userid);
    cursor = typeof answer.next_cursor === 'string' ? answer.next_cursor : '';
    if (answer.is_last === true || cursor === '') break;
  }
  return [...new Set(found)];
}

/** The customer groups `userid` owns (groupchat/list with an owner filter, every page). @throws WecomCallFailure */
export async function listGroups(call: ContactCall, corp: string, userid: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '';
  for (let page = 0; page < 10_000; page++) {
    const answer = await callWecom(call, corp, { method: 'POST', path: WECOM_PATHS.groupList, json: { status_filter: 0, owner_filter: { userid_list: [userid] }, cursor, limit: 1000 } });
    for (const chat of objects(answer.group_chat_list)) if (typeof chat.chat_id === 'string') found.push(chat.chat_id);
    cursor = typeof answer.next_cursor === 'string' ? answer.next_cursor : '';
    if (cursor === '') break;
  }
  return [...new Set(found)];
}

/** One transfer call's request body (in service: with the message to the customer). */
export function transferBody(mode: HandoverMode, from: string, to: string, externalUserIds: readonly string[], message?: string): Record<string, unknown> {
  return { handover_userid: from, takeover_userid: to, external_userid: [...externalUserIds], ...(mode === 'in-service' && message !== undefined ? { transfer_success_msg: message } : {}) };
}

/** Per-customer errcodes of a transfer answer, for the customers it names (one Tencent left out is absent: in doubt). */
export function transferErrcodes(answer: Record<string, unknown>, externalUserIds: readonly string[]): Map<string, number> {
  const asked = new Set(externalUserIds);
  const byId = new Map<string, number>();
  for (const c of objects(answer.customer)) if (typeof c.external_userid === 'string' && asked.has(c.external_userid) && typeof c.errcode === 'number' && !byId.has(c.external_userid)) byId.set(c.external_userid, c.errcode);
  return byId;
}

/** One customer in transfer_result: 1 done, 2 waiting, 3 refused, 4 takeover member at limit, 5 no record. */
export interface TransferState {
  status: number;
  /** Unix seconds (0 when Tencent gives none). */
  takeoverTime: number;
}

/** Every customer transfer_result knows for the pair (every page). @throws WecomCallFailure */
export async function transferResults(call: ContactCall, corp: string, mode: HandoverMode, from: string, to: string): Promise<Map<string, TransferState>> {
  const states = new Map<string, TransferState>();
  let cursor = '';
  for (let page = 0; page < 10_000; page++) {
    const answer = await callWecom(call, corp, { method: 'POST', path: WECOM_PATHS.result[mode], json: { handover_userid: from, takeover_userid: to, cursor } });
    for (const c of objects(answer.customer)) {
      if (typeof c.external_userid === 'string' && typeof c.status === 'number') states.set(c.external_userid, { status: c.status, takeoverTime: typeof c.takeover_time === 'number' ? c.takeover_time : 0 });
    }
    cursor = typeof answer.next_cursor === 'string' ? answer.next_cursor : '';
    if (cursor === '') break;
  }
  return states;
}

/** Per-group errcodes of a group transfer answer: the failed ones; every other group moved. */
export function groupErrcodes(answer: Record<string, unknown>): Map<string, number> {
  return new Map(objects(answer.failed_chat_list).filter((c) => typeof c.chat_id === 'string').map((c) => [c.chat_id as string, typeof c.errcode === 'number' ? c.errcode : -1]));
}

/** A customer group's owner now (groupchat/get); null for a group WeCom does not know. @throws WecomCallFailure */
export async function groupOwner(call: ContactCall, corp: string, chatId: string): Promise<string | null> {
  try {
    const answer = await callWecom(call, corp, { method: 'POST', path: WECOM_PATHS.groupGet, json: { chat_id: chatId } });
    const group = answer.group_chat as Record<string, unknown> | undefined;
    return typeof group?.owner === 'string' ? group.owner : null;
  } catch (err) {
    if (err instanceof WecomCallFailure && err.retry === 'never') return null;
    throw err;
  }
}
