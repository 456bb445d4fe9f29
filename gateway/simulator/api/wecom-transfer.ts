/**
 * Customer hand-over (wecom.md §4.6, limits-and-errors.md §1–§2, §3.2), contact secret only (48002):
 *
 *   POST /cgi-bin/externalcontact/transfer_customer          (in service, 在职继承)
 *   POST /cgi-bin/externalcontact/resigned/transfer_customer (departed member, 离职继承)
 *        {"handover_userid","takeover_userid","external_userid":[≤100],"transfer_success_msg":"≤200 chars" (in service only)}
 *        → {"customer":[{"external_userid","errcode"}]}: 0 = hand-over started, the takeover
 *        happens 24 h later on the simulator clock unless the customer refuses
 *   POST /cgi-bin/externalcontact/transfer_result, …/resigned/transfer_result
 *        {"handover_userid","takeover_userid","cursor"} → {"customer":[{"external_userid","status","takeover_time"}],"next_cursor"}
 *        status 1 done, 2 waiting, 3 refused, 4 takeover member at limit (5 no record is never produced here)
 *   GET or POST /cgi-bin/externalcontact/get_unassigned_list {"page_id","page_size" ≤1000,"cursor"}
 *        → {"info":[{"handover_userid","external_userid","dimission_time"}],"is_last","next_cursor"}
 *
 * Call-level errcodes: 40058 missing userids, a list over 100 ids, a message over
 * 200 characters, a bad cursor or page_size [S: the reference gives no code for these];
 * 41035 no external_userid; 40003 a handover or takeover userid that is no member,
 * a departed takeover member, or an in-service transfer of a departed member [S];
 * 40097 a resigned transfer of a member who has not left.
 * Per-customer errcodes: 40096 not a customer of the corp; 40130 handover and takeover
 * are the same member [C]; 84061 not a customer of the handover member [S: global
 * code "no external-contact relationship"]; 40129 a transfer of the customer is already
 * waiting [C]; 40128 two in-service transfers of the customer started in the last 90
 * days [C: the code community SDKs map to this rule]. A refused or failed transfer
 * still counts towards the 2 in 90 days once WeCom accepted it [S]. Resigned
 * transfers are not capped (the rule names members in service).
 */
import type Koa from 'koa';
import { nonEmptyString, queryParam } from './json-io';
import { activeMember, contactEndpoint, cursorFor, memberOf, parseCursor, stringList } from './contact-endpoint';
import { wecomFail, wecomOk, type WecomApiDeps, type WecomResult } from './wecom-endpoint';
import { TRANSFER_STATUS, type CustomerTransfer, type TransferKind } from '../state/customer-contacts';
import { EXTERNAL_USERID_PATTERN } from '../state/wecom-corps';

export const TRANSFER_CUSTOMER_PATH = '/cgi-bin/externalcontact/transfer_customer';
export const RESIGNED_TRANSFER_CUSTOMER_PATH = '/cgi-bin/externalcontact/resigned/transfer_customer';
export const TRANSFER_RESULT_PATH = '/cgi-bin/externalcontact/transfer_result';
export const RESIGNED_TRANSFER_RESULT_PATH = '/cgi-bin/externalcontact/resigned/transfer_result';
export const GET_UNASSIGNED_LIST_PATH = '/cgi-bin/externalcontact/get_unassigned_list';

const DAY_MS = 86_400_000;

/** `transfer_customer` (in service) or `resigned/transfer_customer`'s middleware. */
export function transferCustomerEndpoint(deps: WecomApiDeps, kind: TransferKind) {
  const path = kind === 'in-service' ? TRANSFER_CUSTOMER_PATH : RESIGNED_TRANSFER_CUSTOMER_PATH;
  return contactEndpoint(deps, path, ({ corp, body }): WecomResult => {
    const handoverUserid = nonEmptyString(body, 'handover_userid');
    const takeoverUserid = nonEmptyString(body, 'takeover_userid');
    if (handoverUserid === undefined || takeoverUserid === undefined) return wecomFail(40058, 'invalid Request Parameter: handover_userid and takeover_userid are required');
    if (body.external_userid === undefined || (Array.isArray(body.external_userid) && body.external_userid.length === 0)) return wecomFail(41035);
    const ids = stringList(body.external_userid);
    if (!ids) return wecomFail(40058, 'invalid Request Parameter: external_userid must be a list of ids');
    if (ids.length > deps.limits.transferBatchMax) return wecomFail(40058, `invalid Request Parameter: external_userid has ${ids.length} > ${deps.limits.transferBatchMax}`);
    let successMsg: string | undefined;
    if (kind === 'in-service' && body.transfer_success_msg !== undefined) {
      if (typeof body.transfer_success_msg !== 'string' || [...body.transfer_success_msg].length > deps.limits.transferSuccessMsgMaxChars) {
        return wecomFail(40058, `invalid Request Parameter: transfer_success_msg must be at most ${deps.limits.transferSuccessMsgMaxChars} characters`);
      }
      successMsg = body.transfer_success_msg;
    }
    const handover = memberOf(deps, corp.corpId, handoverUserid);
    if (handover === undefined) return wecomFail(40003, `invalid userid: handover_userid ${handoverUserid}`);
    const takeover = activeMember(deps, corp.corpId, takeoverUserid);
    if (takeover === undefined) return wecomFail(40003, `invalid userid: takeover_userid ${takeoverUserid} is not a member in service`);
    const departed = deps.contacts.departedAt(corp.corpId, handover) !== undefined;
    if (kind === 'in-service' && departed) return wecomFail(40003, `invalid userid: ${handoverUserid} has left; use resigned/transfer_customer`);
    if (kind === 'resigned' && !departed) return wecomFail(40097);

    const now = deps.clock.now();
    const customers = deps.externalContacts.get(corp.corpId) ?? new Set<string>();
    const windowStart = now - deps.limits.transferCapWindowDays * DAY_MS;
    const recentInService = (id: string): number => deps.contacts.allTransfers(corp.corpId).filter((t) => t.kind === 'in-service' && t.externalUserId === id && t.startedAt > windowStart).length;
    const answers = ids.map((id) => {
      let errcode = 0;
      if (!EXTERNAL_USERID_PATTERN.test(id) || !customers.has(id)) errcode = 40096;
      else if (handover.toLowerCase() === takeover.toLowerCase()) errcode = 40130;
      else if (!deps.contacts.isFollowing(corp.corpId, handover, id)) errcode = 84061;
      else if (deps.contacts.waitingTransfer(corp.corpId, id)) errcode = 40129;
      else if (kind === 'in-service' && recentInService(id) >= deps.limits.transferCapPerCustomer) errcode = 40128;
      else {
        deps.contacts.addTransfer({
          corpId: corp.corpId, kind, handoverUserid: handover, takeoverUserid: takeover, externalUserId: id,
          startedAt: now, dueAt: now + deps.limits.transferTakeoverSeconds * 1000, status: TRANSFER_STATUS.waiting,
          ...(successMsg !== undefined ? { successMsg } : {}),
        });
      }
      return { external_userid: id, errcode };
    });
    return wecomOk({ customer: answers });
  });
}

/** `transfer_result` or `resigned/transfer_result`'s middleware: the pair's transfers of that kind, the latest per customer. */
export function transferResultEndpoint(deps: WecomApiDeps, kind: TransferKind) {
  const path = kind === 'in-service' ? TRANSFER_RESULT_PATH : RESIGNED_TRANSFER_RESULT_PATH;
  return contactEndpoint(deps, path, ({ corp, body }): WecomResult => {
    const handoverUserid = nonEmptyString(body, 'handover_userid');
    const takeoverUserid = nonEmptyString(body, 'takeover_userid');
    if (handoverUserid === undefined || takeoverUserid === undefined) return wecomFail(40058, 'invalid Request Parameter: handover_userid and takeover_userid are required');
    const offset = parseCursor(body.cursor);
    if (offset === undefined) return wecomFail(40058, 'invalid Request Parameter: cursor');
    const latest = new Map<string, CustomerTransfer>();
    for (const t of deps.contacts.allTransfers(corp.corpId)) {
      if (t.kind === kind && t.handoverUserid.toLowerCase() === handoverUserid.toLowerCase() && t.takeoverUserid.toLowerCase() === takeoverUserid.toLowerCase()) latest.set(t.externalUserId, t);
    }
    const all = [...latest.values()];
    const size = deps.limits.transferResultPageSize;
    const page = all.slice(offset, offset + size);
    return wecomOk({
      customer: page.map((t) => ({ external_userid: t.externalUserId, status: t.status, takeover_time: takeoverTime(t) })),
      next_cursor: offset + size < all.length ? cursorFor(offset + size) : '',
    });
  });
}

/** Done: when it happened; waiting: when it will; refused or at limit: 0 (as in Tencent's sample). */
function takeoverTime(t: CustomerTransfer): number {
  if (t.status === TRANSFER_STATUS.done) return Math.floor((t.settledAt ?? t.dueAt) / 1000);
  if (t.status === TRANSFER_STATUS.waiting) return Math.floor(t.dueAt / 1000);
  return 0;
}

/**
 * `get_unassigned_list`'s middleware: departed members' customers not yet (being) reassigned, earliest
 * departure first. The reference gives it as GET/POST: POST takes the JSON body, GET the same fields
 * in the query (numbers as decimal text).
 */
export function getUnassignedListEndpoint(deps: WecomApiDeps): Koa.Middleware {
  const post = contactEndpoint(deps, GET_UNASSIGNED_LIST_PATH, (call) => unassignedPage(deps, call.corp.corpId, call.body));
  const get = contactEndpoint(deps, GET_UNASSIGNED_LIST_PATH, (call) => {
    const body: Record<string, unknown> = {};
    for (const name of ['page_id', 'page_size', 'cursor']) {
      const value = queryParam(call.ctx, name);
      if (value !== undefined) body[name] = name === 'cursor' ? value : /^\d{1,9}$/.test(value) ? Number(value) : value;
    }
    return unassignedPage(deps, call.corp.corpId, body);
  }, { method: 'GET' });
  return (ctx, next) => (ctx.method === 'GET' ? get(ctx, next) : post(ctx, next));
}

function unassignedPage(deps: WecomApiDeps, corpId: string, body: Record<string, unknown>): WecomResult {
  const pageSize = body.page_size ?? deps.limits.unassignedPageMax;
  if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > deps.limits.unassignedPageMax) return wecomFail(40058, `invalid Request Parameter: page_size must be 1-${deps.limits.unassignedPageMax}`);
  const pageId = body.page_id ?? 0;
  if (typeof pageId !== 'number' || !Number.isInteger(pageId) || pageId < 0) return wecomFail(40058, 'invalid Request Parameter: page_id');
  // The cursor supersedes page_id (the older paging).
  const offset = body.cursor !== undefined && body.cursor !== '' ? parseCursor(body.cursor) : pageId * pageSize;
  if (offset === undefined) return wecomFail(40058, 'invalid Request Parameter: cursor');
  const entries = deps.contacts.departedMembers(corpId).flatMap(({ userid, departedAt }) =>
    deps.contacts.customersOf(corpId, userid)
      .filter((id) => deps.contacts.waitingTransfer(corpId, id)?.handoverUserid.toLowerCase() !== userid.toLowerCase())
      .map((id) => ({ handover_userid: userid, external_userid: id, dimission_time: Math.floor(departedAt / 1000) })),
  );
  const page = entries.slice(offset, offset + pageSize);
  const last = offset + pageSize >= entries.length;
  return wecomOk({ info: page, is_last: last, next_cursor: last ? '' : cursorFor(offset + pageSize) });
}
