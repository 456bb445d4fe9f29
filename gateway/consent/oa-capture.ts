/**
 * Consent capture on Official Accounts (issue 5 item 2): a follow, or a
 * first message from someone with no recorded choice, gets the configured
 * notice as a customer-service message (inside the window the action just
 * opened) linking to the consent page; a message that is exactly a
 * withdrawal keyword withdraws every purpose but archiving and processing,
 * recorded in the transaction that archives the message itself (the
 * evidence).
 */
import type { Logger } from 'pino';
import type { ChatEvent } from '../../connectors/canonical/chat-event';
import type { ArchiveEntry } from '../archive/types';
import type { AppConfig } from '../config/schema';
import type { ConsentConfig, ConsentLanguage } from './config';
import type { TypeOrmConsentLedger } from './ledger';
import type { PersonIndex } from './person-index';
import type { LedgerPurpose, PersonConsent } from './ports';

/** The purposes a keyword withdraws: everything a person opts into, not archiving (a legal obligation) nor processing (a rights request). */
const KEYWORD_PURPOSES: readonly LedgerPurpose[] = ['marketing', 'cross_border', 'sensitive'];

/** The pseudo-app the gateway's own messages (consent notices) are recorded under. */
export const CONSENT_SENDER_APP = 'cgw-consent';

export interface OaCaptureDeps {
  config: ConsentConfig;
  ledger: TypeOrmConsentLedger;
  index: PersonIndex;
  /** Send a text customer-service message through the outbound pipeline (policy, archive, delivery). */
  sendText(app: AppConfig, accountId: string, openid: string, content: string): Promise<void>;
  /** Resolves once what inbound traffic said about followers (the window the follow just opened) is stored. */
  windowsStored(): Promise<void>;
  now(): number;
  logger: Logger;
}

export interface OaCapture {
  /** Ledger effects to run in the transaction that archives `event` (a withdrawal keyword), or undefined. */
  inboundEffects(event: ChatEvent): ArchiveEntry['effects'] | undefined;
  /** After `event` was archived: invalidate what it changed and send the notice where due. Never throws. */
  afterInbound(event: ChatEvent): void;
  /** Settle notices in flight (tests, shutdown). */
  settled(): Promise<void>;
}

// A notice is sent to a person at most once per day per process, however many messages they send before choosing.
const RESEND_AFTER_MS = 86_400_000;

export function oaConsentCapture(deps: OaCaptureDeps): OaCapture {
  const keywords = new Set(deps.config.withdrawKeywords.map(normaliseKeyword));
  const noticed = new Map<string, number>();
  const inflight = new Set<Promise<void>>();
  const noticePurposes = deps.config.notices.map((n) => n.purpose);
  const sender = { id: CONSENT_SENDER_APP, owners: [], sends: [], subscribes: [], repliesFor: [], mode: 'safe' } as unknown as AppConfig;

  const isKeyword = (event: ChatEvent): boolean =>
    event.type === 'message.text' && typeof event.fields.content === 'string' && keywords.has(normaliseKeyword(event.fields.content));

  const noticeDue = (consent: PersonConsent): boolean =>
    noticePurposes.some((p) => consent.purposes[p].state === 'missing' || consent.purposes[p].state === 'stale');

  async function maybeNotify(event: ChatEvent): Promise<void> {
    const personBidx = deps.index({ id: event.fromUserName });
    const key = `${event.accountId}|${personBidx}`;
    const last = noticed.get(key);
    if (last !== undefined && deps.now() - last < RESEND_AFTER_MS) return;
    // Claimed before the ledger read: a follow and a first message arriving together must not both send one.
    noticed.set(key, deps.now());
    if (noticed.size > 100_000) noticed.delete(noticed.keys().next().value!);
    let consent: PersonConsent;
    try {
      consent = await deps.ledger.currentByIndex(personBidx);
    } catch (err) {
      noticed.delete(key); // a later event tries again
      throw err;
    }
    if (!noticeDue(consent)) {
      // Nothing to ask now; a later event may find consent stale or withdrawn and ask then.
      noticed.delete(key);
      return;
    }
    // The notice goes out in the window the follow or message just opened: that window must be on record first.
    await deps.windowsStored();
    const language: ConsentLanguage = event.fields.lang === 'en' ? 'en' : 'zh-CN';
    const link = `${deps.config.publicBaseUrl.replace(/\/+$/, '')}/p/${encodeURIComponent(event.accountId)}/consent?lang=${language}`;
    await deps.sendText(sender, event.accountId, event.fromUserName, deps.config.noticeMessage[language].replace('{link}', link));
  }

  return {
    inboundEffects(event) {
      if (!isKeyword(event)) return undefined;
      return deps.ledger.effectsFor({
        person: { kind: 'openid', id: event.fromUserName, accountId: event.accountId },
        changes: KEYWORD_PURPOSES.map((purpose) => ({ purpose, action: 'withdraw' as const, noticeVersion: null, language: null })),
        channel: 'oa_keyword',
        source: 'user',
        // CreateTime has whole seconds: the end of that second, so a withdrawal is never ordered before a grant made earlier in the same second.
        occurredAt: event.createTime * 1000 + 999,
      });
    },
    afterInbound(event) {
      if (event.channel !== 'wechat-oa') return;
      if (isKeyword(event)) {
        deps.ledger.invalidate([deps.index({ id: event.fromUserName })]);
        return;
      }
      if (!deps.config.capture) return;
      const isFollow = event.type === 'event.subscribe';
      const isMessage = event.type.startsWith('message.');
      if (!(isFollow && deps.config.askOn.subscribe) && !(isMessage && deps.config.askOn.firstContact)) return;
      const p = maybeNotify(event)
        .catch((err: unknown) => deps.logger.warn({ accountId: event.accountId, err: (err as Error).message }, 'consent notice not sent'))
        .finally(() => inflight.delete(p));
      inflight.add(p);
    },
    async settled() {
      await Promise.all([...inflight]);
    },
  };
}

function normaliseKeyword(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase();
}
