/**
 * WeCom archiving consent (issue 5 item 3). The consent WeCom collects
 * itself reaches the ledger three ways: `agree` / `disagree` messages in the
 * chat archive and the `msg_audit_approved` callback (each recorded in the
 * transaction that archives it), and a scheduled reconciliation with
 * `check_single_agree` / `check_room_agree` for every RM–customer pair and
 * group the gateway has seen. A "Disagree" raises a compliance alert; the
 * policy's `wecom-archiving-consent` rule then blocks gateway-sent messages
 * to that contact (communications the bank cannot archive must not happen
 * through a channel it controls).
 *
 * Tencent misspells `exteranalopenid` in both directions of the agree
 * checks; it is spelt that way here on purpose. `status_change_time` is in
 * seconds there, while archive messages carry milliseconds.
 */
import { canonicalJson } from '../../connectors/canonical/json';
import type { MsgauditEvent } from '../../connectors/canonical/msgaudit-event';
import type { WecomCallbackEvent } from '../../connectors/wecom/callback/event-types';
import type { Logger } from 'pino';
import { IsNull, type DataSource } from 'typeorm';
import type { KeyStore } from '../archive/crypto/key-store';
import { openRecord, sealRecord } from '../archive/crypto/envelope';
import { blindIndex } from '../archive/crypto/blind-index';
import type { ArchiveEntry } from '../archive/types';
import type { ConnectionGate } from '../db/connection-gate';
import { isUniqueViolation } from '../db/errors';
import { WECOM_CONTACT_PAIR_ENTITY, WECOM_ROOM_ENTITY, type WecomContactPairRow, type WecomRoomRow } from '../db/entities';
import type { MsgauditEventHooks } from '../msgaudit/archive-entries';
import type { Consent } from './create-consent';
import type { PersonRef } from './ports';

/** External contacts' ids (external_userid): wm… / wo…; robots are wb…, members have their own userids. */
const EXTERNAL_ID = /^w[mo][A-Za-z0-9_-]{14,62}$/;
/** check_single_agree takes at most 100 entries (301060 beyond). */
const AGREE_CHECK_MAX = 100;

export type AgreeStatus = 'Agree' | 'Disagree' | 'Default_Agree';

/** One corp whose archiving consent is reconciled: its configuration id and CorpID. */
export interface WecomConsentCorp {
  id: string;
  corpId: string;
}

export interface WecomConsentDeps {
  consent: Consent;
  dataSource: DataSource;
  gate: ConnectionGate;
  keyStore: KeyStore;
  corps: readonly WecomConsentCorp[];
  /** POST a msgaudit API with the corp's msgaudit secret; resolves with Tencent's JSON (errcode 0) or rejects. */
  callMsgaudit(corpConfigId: string, path: string, body: Record<string, unknown>): Promise<Record<string, unknown>>;
  intervalMs: number;
  now(): number;
  logger: Logger;
}

export interface ReconcileReport {
  pairsChecked: number;
  roomsChecked: number;
  /** Ledger entries recorded because WeCom's answer differed from the derived state. */
  changed: number;
  disagreements: number;
  errors: number;
}

export interface WecomConsent {
  msgauditHooks: MsgauditEventHooks;
  callbackHooks: {
    consentEffects(corpConfigId: string, event: WecomCallbackEvent): ArchiveEntry['effects'] | undefined;
    afterArchive(corpConfigId: string, event: WecomCallbackEvent, recordId: string): void;
  };
  /** Remember an RM–customer pair (idempotent); its consent is checked at the next reconciliation. */
  notePair(corpConfigId: string, userid: string, externalUserId: string): Promise<void>;
  noteRoom(corpConfigId: string, roomid: string): Promise<void>;
  /** Reconcile one corp now: every pair and group, oldest-checked first. */
  reconcile(corpConfigId: string): Promise<ReconcileReport>;
  /** Wait for pair and room notes in flight (tests). */
  settled(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

export function wecomConsent(deps: WecomConsentDeps): WecomConsent {
  const corpById = new Map(deps.corps.map((c) => [c.id, c]));
  const known = new Set<string>();
  const inflight = new Set<Promise<unknown>>();
  const { ledger, alerts } = deps.consent;
  const indexKey = () => deps.keyStore.indexKey();
  const person = (corpConfigId: string, externalUserId: string): PersonRef => ({ kind: 'external_userid', id: externalUserId, accountId: corpConfigId });

  const track = (p: Promise<unknown>): void => {
    const tracked = p.catch((err: unknown) => deps.logger.warn({ err: (err as Error).message }, 'WeCom consent bookkeeping failed; reconciliation repeats it')).finally(() => inflight.delete(tracked));
    inflight.add(tracked);
  };

  async function notePair(corpConfigId: string, userid: string, externalUserId: string): Promise<void> {
    const corp = corpById.get(corpConfigId);
    if (!corp || !EXTERNAL_ID.test(externalUserId) || userid.length === 0 || userid.length > 64) return;
    const pairBidx = blindIndex(indexKey(), 'subject', canonicalJson(['wecom-pair', corp.corpId, userid, externalUserId]));
    if (known.has(pairBidx)) return;
    const sealed = sealRecord(deps.keyStore, Buffer.from(JSON.stringify({ userid, externalUserId }), 'utf8'), pairAad(pairBidx));
    const row: WecomContactPairRow = {
      pairBidx, corpId: corpConfigId, externalBidx: deps.consent.index({ id: externalUserId }), ...sealed,
      agreeStatus: null, statusChangedAt: null, checkedAt: null, createdAt: deps.now(),
    };
    try {
      await deps.gate.run(() => deps.dataSource.getRepository<WecomContactPairRow>(WECOM_CONTACT_PAIR_ENTITY).insert(row));
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    known.add(pairBidx);
  }

  async function noteRoom(corpConfigId: string, roomid: string): Promise<void> {
    if (!corpById.has(corpConfigId) || roomid.length === 0 || roomid.length > 128) return;
    const key = `room|${corpConfigId}|${roomid}`;
    if (known.has(key)) return;
    try {
      await deps.gate.run(() => deps.dataSource.getRepository<WecomRoomRow>(WECOM_ROOM_ENTITY).insert({ corpId: corpConfigId, roomid, checkedAt: null, createdAt: deps.now() }));
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
    known.add(key);
  }

  async function alertDisagree(corpConfigId: string, externalUserId: string, at: number, via: string, recordId: string | null): Promise<void> {
    await alerts.open({
      kind: 'wecom.archiving_disagreed', severity: 'warning', accountId: corpConfigId,
      subjectBidx: deps.consent.index({ id: externalUserId }), recordId,
      summary: `A WeCom contact disagreed to chat archiving (${via}); gateway-sent messages to them are blocked and RMs must not chat with them through WeCom until they agree.`,
      dedupeKey: canonicalJson(['wecom-disagree', corpConfigId, deps.consent.index({ id: externalUserId }), at]).slice(0, 128),
    });
  }

  const msgauditHooks: MsgauditEventHooks = {
    effects(accountId, event) {
      const c = event.consent;
      if (!c || !EXTERNAL_ID.test(c.externalUserId)) return undefined;
      return ledger.effectsFor({
        person: person(accountId, c.externalUserId),
        changes: [{ purpose: 'archiving', action: c.decision === 'agree' ? 'grant' : 'withdraw', noticeVersion: null, language: null }],
        channel: 'wecom_msgaudit', source: 'tencent', occurredAt: c.at > 0 ? c.at : deps.now(),
      });
    },
    afterCommit(accountId, events: readonly MsgauditEvent[]) {
      const changed: string[] = [];
      for (const event of events) {
        if (event.consent && EXTERNAL_ID.test(event.consent.externalUserId)) {
          changed.push(deps.consent.index({ id: event.consent.externalUserId }));
          if (event.consent.decision === 'disagree') track(alertDisagree(accountId, event.consent.externalUserId, event.consent.at, 'disagree message in the chat archive', null));
        }
        if (event.roomid) track(noteRoom(accountId, event.roomid));
        else if (event.from && event.tolist.length === 1) {
          const [a, b] = [event.from, event.tolist[0]!];
          if (EXTERNAL_ID.test(a) && !EXTERNAL_ID.test(b)) track(notePair(accountId, b, a));
          else if (EXTERNAL_ID.test(b) && !EXTERNAL_ID.test(a)) track(notePair(accountId, a, b));
        }
      }
      if (changed.length > 0) ledger.invalidate(changed);
    },
  };

  const callbackHooks: WecomConsent['callbackHooks'] = {
    consentEffects(corpConfigId, event) {
      if (event.type !== 'change_external_contact.msg_audit_approved' || !event.externalUserId || !EXTERNAL_ID.test(event.externalUserId)) return undefined;
      return ledger.effectsFor({
        person: person(corpConfigId, event.externalUserId),
        changes: [{ purpose: 'archiving', action: 'grant', noticeVersion: null, language: null }],
        channel: 'wecom_callback', source: 'tencent', occurredAt: event.createTime > 0 ? event.createTime * 1000 : deps.now(),
      });
    },
    afterArchive(corpConfigId, event) {
      if (!event.externalUserId) return;
      if (event.type === 'change_external_contact.msg_audit_approved') ledger.invalidate([deps.consent.index({ id: event.externalUserId })]);
      if (event.userId && (event.type === 'change_external_contact.add_external_contact' || event.type === 'change_external_contact.add_half_external_contact' || event.type === 'change_external_contact.msg_audit_approved')) {
        track(notePair(corpConfigId, event.userId, event.externalUserId));
      }
    },
  };

  /** Record WeCom's answer for one contact where it differs from the derived state. */
  async function apply(corpConfigId: string, externalUserId: string, status: string, changeTimeSeconds: number, evidence: Record<string, unknown>, report: ReconcileReport): Promise<void> {
    if (status !== 'Agree' && status !== 'Disagree' && status !== 'Default_Agree') return;
    // "Disagree" with no change time is a contact who was never asked: nothing was decided, so nothing is recorded (WeCom asks on first chat).
    if (status === 'Disagree' && changeTimeSeconds === 0) return;
    const who = person(corpConfigId, externalUserId);
    const current = (await ledger.current(who)).purposes.archiving.state;
    const want = status === 'Disagree' ? 'withdrawn' : 'granted';
    if (current === want) return;
    const occurredAt = changeTimeSeconds > 0 ? changeTimeSeconds * 1000 : deps.now();
    const result = await ledger.record({
      person: who, channel: 'wecom_check', source: 'reconciliation', occurredAt, actor: 'wecom-reconcile',
      changes: [{ purpose: 'archiving', action: want === 'granted' ? 'grant' : 'withdraw', noticeVersion: null, language: null }],
      evidence: { payload: { ...evidence, agree_status: status, status_change_time: changeTimeSeconds }, dedupeKey: canonicalJson(['wecom-reconcile', corpConfigId, deps.consent.index({ id: externalUserId }), status, changeTimeSeconds]) },
    });
    if (result.duplicate) return;
    report.changed++;
    if (want === 'withdrawn') {
      report.disagreements++;
      await alertDisagree(corpConfigId, externalUserId, occurredAt, 'found by reconciliation with check_single_agree / check_room_agree', result.evidenceRecordId);
    }
  }

  async function reconcile(corpConfigId: string): Promise<ReconcileReport> {
    const corp = corpById.get(corpConfigId);
    if (!corp) throw new Error(`no WeCom corp "${corpConfigId}" with a msgaudit block`);
    const report: ReconcileReport = { pairsChecked: 0, roomsChecked: 0, changed: 0, disagreements: 0, errors: 0 };
    const pairsRepo = deps.dataSource.getRepository<WecomContactPairRow>(WECOM_CONTACT_PAIR_ENTITY);
    const unchecked = await deps.gate.run(() => pairsRepo.find({ where: { corpId: corpConfigId, checkedAt: IsNull() }, take: 10_000 }));
    const checked = await deps.gate.run(() => pairsRepo.find({ where: { corpId: corpConfigId }, order: { checkedAt: 'ASC' }, take: 10_000 }));
    const pairs = [...unchecked, ...checked.filter((r) => r.checkedAt !== null)];
    const chunks: WecomContactPairRow[][] = [];
    for (let i = 0; i < pairs.length; i += AGREE_CHECK_MAX) chunks.push(pairs.slice(i, i + AGREE_CHECK_MAX));
    while (chunks.length > 0) {
      const rows = chunks.shift()!;
      const chunk = rows.map((row) => ({ row, ids: JSON.parse(openRecord(deps.keyStore, row, pairAad(row.pairBidx)).toString('utf8')) as { userid: string; externalUserId: string } }));
      let answer: Record<string, unknown>;
      try {
        answer = await deps.callMsgaudit(corpConfigId, '/cgi-bin/msgaudit/check_single_agree', { info: chunk.map((c) => ({ userid: c.ids.userid, exteranalopenid: c.ids.externalUserId })) });
      } catch (err) {
        // 301061: one pair is no longer a member/customer and fails the whole call; split until it stands alone.
        if (errcodeOf(err) === 301061) {
          if (rows.length > 1) {
            const half = Math.ceil(rows.length / 2);
            chunks.unshift(rows.slice(0, half), rows.slice(half));
          } else {
            await deps.gate.run(() => pairsRepo.update({ pairBidx: rows[0]!.pairBidx }, { agreeStatus: 'gone', checkedAt: deps.now() }));
            report.pairsChecked++;
          }
          continue;
        }
        report.errors++;
        deps.logger.warn({ corp: corpConfigId, err: (err as Error).message }, 'check_single_agree failed; retried at the next reconciliation');
        continue;
      }
      const infos = Array.isArray(answer.agreeinfo) ? (answer.agreeinfo as Record<string, unknown>[]) : [];
      for (const c of chunk) {
        const info = infos.find((a) => a.exteranalopenid === c.ids.externalUserId && (a.userid === undefined || a.userid === c.ids.userid));
        const now = deps.now();
        if (info && typeof info.agree_status === 'string') {
          const changeTime = typeof info.status_change_time === 'number' ? info.status_change_time : 0;
          await apply(corpConfigId, c.ids.externalUserId, info.agree_status, changeTime, { api: 'check_single_agree', corpId: corp.corpId, userid: c.ids.userid }, report);
          await deps.gate.run(() => pairsRepo.update({ pairBidx: c.row.pairBidx }, { agreeStatus: info.agree_status as string, statusChangedAt: changeTime * 1000, checkedAt: now }));
        } else {
          await deps.gate.run(() => pairsRepo.update({ pairBidx: c.row.pairBidx }, { checkedAt: now }));
        }
        report.pairsChecked++;
      }
    }
    const roomsRepo = deps.dataSource.getRepository<WecomRoomRow>(WECOM_ROOM_ENTITY);
    const rooms = await deps.gate.run(() => roomsRepo.find({ where: { corpId: corpConfigId }, order: { checkedAt: 'ASC' }, take: 10_000 }));
    for (const room of rooms) {
      let answer: Record<string, unknown>;
      try {
        answer = await deps.callMsgaudit(corpConfigId, '/cgi-bin/msgaudit/check_room_agree', { roomid: room.roomid });
      } catch (err) {
        report.errors++;
        deps.logger.warn({ corp: corpConfigId, err: (err as Error).message }, 'check_room_agree failed; retried at the next reconciliation');
        continue;
      }
      const infos = Array.isArray(answer.agreeinfo) ? (answer.agreeinfo as Record<string, unknown>[]) : [];
      for (const info of infos) {
        const external = info.exteranalopenid;
        if (typeof external !== 'string' || !EXTERNAL_ID.test(external) || typeof info.agree_status !== 'string') continue;
        const changeTime = typeof info.status_change_time === 'number' ? info.status_change_time : 0;
        await apply(corpConfigId, external, info.agree_status, changeTime, { api: 'check_room_agree', corpId: corp.corpId, roomid: room.roomid }, report);
      }
      await deps.gate.run(() => roomsRepo.update({ corpId: corpConfigId, roomid: room.roomid }, { checkedAt: deps.now() }));
      report.roomsChecked++;
    }
    return report;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  return {
    msgauditHooks, callbackHooks,
    notePair, noteRoom, reconcile,
    async settled() {
      await Promise.all([...inflight]);
    },
    start() {
      if (timer || deps.corps.length === 0) return;
      timer = setInterval(() => {
        running = (async () => {
          for (const corp of deps.corps) {
            const report = await reconcile(corp.id).catch((err: unknown) => {
              deps.logger.warn({ corp: corp.id, err: (err as Error).message }, 'WeCom consent reconciliation failed');
              return undefined;
            });
            if (report) deps.logger.info({ corp: corp.id, ...report }, 'WeCom consent reconciled');
          }
        })();
      }, deps.intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
      await Promise.all([...inflight]);
    },
  };
}

function errcodeOf(err: unknown): number | undefined {
  const code = (err as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' ? code : undefined;
}

function pairAad(pairBidx: string): Buffer {
  return Buffer.from(canonicalJson(['cgw-wecom-pair/v1', pairBidx]), 'utf8');
}

export type { AgreeStatus as WecomAgreeStatus };
