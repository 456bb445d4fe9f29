/**
 * Start a hand-over: check the request, ask WeCom which customers and groups
 * the RM has (externalcontact/list for an RM in service; get_unassigned_list
 * for one who left, falling back to externalcontact/list so that a member who
 * has not left yet meets WeCom's 40097 in the run, not silence), refuse
 * customers over the 2-in-90-days rule before any call, and write the job,
 * its items and the `started` record in one transaction. Nothing is sent to
 * WeCom's transfer APIs here; the runner does that.
 */
import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../db/errors';
import { HANDOVER_ITEM_ENTITY, HANDOVER_JOB_ENTITY, type HandoverItemRow, type HandoverJobRow } from '../db/entities';
import { capVerdict } from './cap';
import type { HandoverDeps } from './deps';
import { handoverEntry, insertRows } from './records';
import { openJob, sealCustomerId, sealJobSecrets, subjectIndex } from './sealing';
import type { HandoverActor, HandoverMode, JobSecrets, OpenJob } from './types';
import { listCustomers, listGroups, listUnassigned, WecomCallFailure } from './wecom-api';

/** What the admin API asks for. */
export interface StartHandoverRequest {
  corp: string;
  mode: HandoverMode;
  handoverUserid: string;
  takeoverUserid: string;
  /** Only these customers (default: every customer WeCom lists for the RM). */
  externalUserIds?: readonly string[];
  /** Hand over the RM's customer groups too (default true). */
  includeGroups?: boolean;
  /** In service only: what WeCom tells the customer (≤ 200 characters; WeCom's default text otherwise). */
  transferSuccessMsg?: string;
  /** A retry with the same id answers the job it started. */
  requestId?: string;
}

/** Why a start was refused; mapped to problem+json by the admin port. */
export class HandoverRefusal extends Error {
  override readonly name = 'HandoverRefusal';

  constructor(readonly code: 'invalid' | 'in_progress' | 'unavailable', message: string, readonly pointer?: string) {
    super(message);
  }
}

/** What a start did. */
export interface StartedHandover {
  job: OpenJob;
  /** A retried requestId: the job it started earlier, nothing new. */
  duplicate: boolean;
  customers: number;
  groups: number;
  skipped: number;
}

const EXTERNAL_ID = /^w[mo][A-Za-z0-9_-]{14,62}$/;
const DAY_MS = 86_400_000;

/** Start a hand-over. @throws HandoverRefusal (invalid, in_progress, unavailable) */
export async function startHandover(deps: HandoverDeps, request: StartHandoverRequest, actor: HandoverActor): Promise<StartedHandover> {
  const corp = deps.corps.find((c) => c.id === request.corp);
  if (!corp) throw new HandoverRefusal('invalid', `no WeCom corp "${request.corp}" is configured`, '/body/corp');
  if (!corp.contactSecret) throw new HandoverRefusal('invalid', `corp "${corp.id}" has no contactSecret: WeCom's transfer APIs need the customer-contact (客户联系) secret`, '/body/corp');
  const from = request.handoverUserid;
  const to = request.takeoverUserid;
  if (from.toLowerCase() === to.toLowerCase()) throw new HandoverRefusal('invalid', 'the takeover RM must be another member than the handover RM', '/body/takeoverUserid');
  if (request.mode === 'resigned' && request.transferSuccessMsg !== undefined) throw new HandoverRefusal('invalid', 'only an in-service hand-over sends the customer a message (resigned/transfer_customer takes none)', '/body/transferSuccessMsg');
  const badId = (request.externalUserIds ?? []).findIndex((id) => !EXTERNAL_ID.test(id));
  if (badId >= 0) throw new HandoverRefusal('invalid', 'is not an external_userid (wm… or wo…)', `/body/externalUserIds/${badId}`);

  const id = randomUUID();
  const requestKey = request.requestId ? `req|${corp.id}|${request.requestId}` : `job|${id}`;
  const fromBidx = subjectIndex(deps.keyStore, from);
  const toBidx = subjectIndex(deps.keyStore, to);
  const earlier = request.requestId ? await deps.store.jobByRequestKey(requestKey) : null;
  if (earlier) return sameRequest(deps, earlier, request, fromBidx, toBidx);
  const activeKey = `${corp.id}|${fromBidx}`;
  const running = await deps.store.activeJob(activeKey);
  if (running) throw new HandoverRefusal('in_progress', `hand-over ${running.id} of this RM is still running; wait for it to end (cgw handover status ${running.id})`);

  const customers = request.externalUserIds ? [...new Set(request.externalUserIds)] : await listing(() => listRmCustomers(deps, corp.id, request.mode, from));
  const groups = request.includeGroups === false ? [] : await listing(() => listGroups(deps.call, corp.id, from));
  if (customers.length === 0 && groups.length === 0) {
    throw new HandoverRefusal('invalid', request.mode === 'resigned'
      ? 'nothing to hand over: WeCom lists no unassigned customers (get_unassigned_list) and no customer groups of this RM'
      : 'nothing to hand over: WeCom lists no customers (externalcontact/list) and no customer groups of this RM', '/body/handoverUserid');
  }

  const now = deps.now();
  const bidxes = customers.map((c) => subjectIndex(deps.keyStore, c));
  const counting = request.mode === 'in-service' ? await deps.store.countingTransfers(corp.id, bidxes, now - deps.config.capWindowDays * DAY_MS) : new Map<string, (number | null)[]>();
  const secrets: JobSecrets = { handoverUserid: from, takeoverUserid: to, ...(request.transferSuccessMsg !== undefined ? { transferSuccessMsg: request.transferSuccessMsg } : {}) };
  const jobRow: HandoverJobRow = {
    id, corpId: corp.id, mode: request.mode, fromBidx, toBidx, ...sealJobSecrets(deps.keyStore, id, secrets),
    status: 'transferring', activeKey, requestKey, startedBy: actor.subject.slice(0, 128), startedVia: actor.via.slice(0, 16),
    createdAt: now, updatedAt: now, nextRunAt: now, attempts: 0, failureCode: null, failureDetail: null, finishedAt: null,
  };
  const job: OpenJob = { row: jobRow, secrets, mode: request.mode };
  const skipped: { externalUserId: string; detail: string; nextAllowedAt: number | null }[] = [];
  const items: HandoverItemRow[] = customers.map((externalUserId, i) => {
    const itemId = randomUUID();
    const verdict = capVerdict(counting.get(bidxes[i]!) ?? [], now, deps.config.capPerCustomer, deps.config.capWindowDays);
    if (!verdict.allowed) skipped.push({ externalUserId, detail: verdict.detail, nextAllowedAt: verdict.nextAllowedAt });
    return {
      id: itemId, jobId: id, corpId: corp.id, mode: request.mode, kind: 'customer', seq: i, subjectBidx: bidxes[i]!, ...sealCustomerId(deps.keyStore, itemId, externalUserId), chatId: null,
      status: verdict.allowed ? 'pending' : 'skipped', errcode: null, reason: verdict.allowed ? null : 'cap.90_days', detail: verdict.allowed ? null : verdict.detail.slice(0, 256),
      callRecordId: null, acceptedAt: null, takeoverAt: null, updatedAt: now,
    };
  });
  groups.forEach((chatId, i) => items.push({
    id: randomUUID(), jobId: id, corpId: corp.id, mode: request.mode, kind: 'group', seq: i, subjectBidx: null, keyId: null, wrappedKey: null, iv: null, ciphertext: null, chatId,
    status: 'pending', errcode: null, reason: null, detail: null, callRecordId: null, acceptedAt: null, takeoverAt: null, updatedAt: now,
  }));

  const started = handoverEntry({
    job, corpId: corp.corpId, step: 'started', dedupe: [], subject: null, occurredAtMs: now,
    facts: {
      startedBy: { subject: actor.subject, via: actor.via },
      listedWith: request.externalUserIds ? 'request' : request.mode === 'resigned' ? 'get_unassigned_list' : 'externalcontact/list',
      customers, groups, includeGroups: request.includeGroups !== false,
      skippedBeforeCalling: skipped.map((s) => ({ externalUserId: s.externalUserId, reason: 'cap.90_days', detail: s.detail, nextAllowedAt: s.nextAllowedAt })),
      ...(request.transferSuccessMsg !== undefined ? { transferSuccessMsg: request.transferSuccessMsg } : {}),
      ...(request.requestId ? { requestId: request.requestId } : {}),
    },
  });
  const finals = skipped.map((s) => handoverEntry({
    job, corpId: corp.corpId, step: 'customer.final', dedupe: [s.externalUserId, 'skipped'], subject: s.externalUserId, occurredAtMs: now,
    facts: { externalUserId: s.externalUserId, status: 'skipped', reason: 'cap.90_days', detail: s.detail, nextAllowedAt: s.nextAllowedAt },
  }));
  try {
    await deps.archive.appendAll([started, ...finals], async (tx) => {
      await tx.insert(HANDOVER_JOB_ENTITY, { ...jobRow });
      await insertRows(tx, HANDOVER_ITEM_ENTITY, items.map((item) => ({ ...item })));
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // A concurrent start of the same RM or the same requestId won the race.
    const winner = request.requestId ? await deps.store.jobByRequestKey(requestKey) : null;
    if (winner) return sameRequest(deps, winner, request, fromBidx, toBidx);
    throw new HandoverRefusal('in_progress', 'another hand-over of this RM started at the same moment; wait for it to end');
  }
  return { job, duplicate: false, customers: customers.length, groups: groups.length, skipped: skipped.length };
}

/** A retried requestId: the job it started, if it asked for the same hand-over. */
async function sameRequest(deps: HandoverDeps, row: HandoverJobRow, request: StartHandoverRequest, fromBidx: string, toBidx: string): Promise<StartedHandover> {
  if (row.fromBidx !== fromBidx || row.toBidx !== toBidx || row.mode !== request.mode) throw new HandoverRefusal('invalid', `requestId was used for another hand-over (${row.id})`, '/body/requestId');
  const counts = await deps.store.counts(row.id);
  const total = (kind: 'customer' | 'group') => Object.values(counts[kind]).reduce((a, b) => a + b, 0);
  return { job: openJob(deps.keyStore, row), duplicate: true, customers: total('customer'), groups: total('group'), skipped: counts.customer.skipped ?? 0 };
}

/** The RM's customers as WeCom lists them for the mode. */
async function listRmCustomers(deps: HandoverDeps, corp: string, mode: HandoverMode, userid: string): Promise<string[]> {
  if (mode === 'in-service') return listCustomers(deps.call, corp, userid);
  const unassigned = await listUnassigned(deps.call, corp, userid);
  if (unassigned.length > 0) return unassigned;
  // A member WeCom still has in service: their customers go to resigned/transfer_customer, whose 40097 says why it cannot be.
  try {
    return await listCustomers(deps.call, corp, userid);
  } catch (err) {
    if (err instanceof WecomCallFailure && err.retry === 'never') return [];
    throw err;
  }
}

/** Run a WeCom listing, turning its failure into a refusal that says what to do. */
async function listing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof WecomCallFailure)) throw err;
    if (err.retry === 'backoff') throw new HandoverRefusal('unavailable', `WeCom could not be asked which customers and groups the RM has (${err.code}); nothing was started, try again`);
    if (err.errcode === 60111 || err.errcode === 40003) throw new HandoverRefusal('invalid', `WeCom does not know this RM as a member in service (${err.code})`, '/body/handoverUserid');
    throw new HandoverRefusal('invalid', `WeCom refused ${err.path} (${err.code}): ${err.message}`);
  }
}
