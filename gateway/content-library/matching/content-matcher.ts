/**
 * Links captured chat-archive messages to the approved items they match, as
 * msgaudit hooks (gateway/msgaudit/archive-entries.ts), and tells supervision
 * which texts of a message an approved item vouches for.
 *
 *  - before the archive transaction: the message's candidate fingerprint
 *    (message-content.ts), and the in-memory filter (fingerprint-filter.ts):
 *    a message no item could match gets no effect;
 *  - inside it: the item approved at the message's send time with that
 *    fingerprint (approvedAt ≤ msgtime < retiredAt; at most one, since one
 *    approved item holds a content at a time), and a `content_item_use` row
 *    linking the new record to the item and version: link and record commit
 *    together, a re-pull (a duplicate record) links nothing again;
 *  - after the commit: a metric and a log line per link (ids only).
 *
 * The lookup runs once per (transaction, message) whoever asks first, this
 * module's effect or supervision's (preApproved): the hooks' order does not
 * matter, and a transaction the archive retries looks again.
 */
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { LessThanOrEqual, Raw } from 'typeorm';
import type { MsgauditEvent } from '../../../connectors/canonical/msgaudit-event';
import type { ArchiveEntry, EffectTransaction } from '../../archive/types';
import { CONTENT_ITEM_ENTITY, CONTENT_ITEM_USE_ENTITY, type ContentItemRow, type ContentItemUseRow } from '../../db/entities';
import type { MsgauditEventHooks } from '../../msgaudit/archive-entries';
import { normaliseText } from '../fingerprint';
import type { FingerprintFilter } from './fingerprint-filter';
import { messageCandidate, type MessageCandidate } from './message-content';

/** A message's match with an approved item. */
export interface PreApprovedMatch {
  itemId: string;
  itemVersion: number;
  kind: ContentItemRow['kind'];
  /** Supervision text paths whose text is the item's own (no lexicon alert for them). */
  paths: ReadonlySet<string>;
}

export interface ContentMatcherDeps {
  filter: FingerprintFilter;
  /** Blind index of the sender (the archive's subject index). */
  subjectIndex(id: string): string;
  registry: Registry;
  logger: Logger;
  now(): number;
}

export interface ContentMatcher {
  msgauditHooks: MsgauditEventHooks;
  /** The approved item `event` matches, looked up in the archive transaction `tx` (for supervision). */
  preApproved(tx: EffectTransaction, accountId: string, event: MsgauditEvent): Promise<PreApprovedMatch | undefined>;
  /** Links made, by corp and kind. */
  matches: Counter<'corp' | 'kind'>;
}

/** Build the matcher (it does nothing until the pullers call its hooks). */
export function createContentMatcher(deps: ContentMatcherDeps): ContentMatcher {
  const matches = new Counter({ name: 'cgw_content_matches_total', help: 'Captured chat-archive messages linked to the approved content library item they match, by kind', labelNames: ['corp', 'kind'], registers: [deps.registry] });
  const candidates = new WeakMap<MsgauditEvent, MessageCandidate | null>();
  const lookups = new WeakMap<EffectTransaction, WeakMap<MsgauditEvent, Promise<PreApprovedMatch | undefined>>>();
  const committed = new WeakMap<MsgauditEvent, PreApprovedMatch & { recordId: string }>();

  /** The candidate, when the filter says an item may have it. */
  function candidateOf(event: MsgauditEvent): MessageCandidate | undefined {
    let candidate = candidates.get(event);
    if (candidate === undefined) {
      candidate = messageCandidate(event) ?? null;
      candidates.set(event, candidate);
    }
    return candidate && deps.filter.has(candidate.fingerprint) ? candidate : undefined;
  }

  function lookup(tx: EffectTransaction, event: MsgauditEvent, candidate: MessageCandidate): Promise<PreApprovedMatch | undefined> {
    let perTx = lookups.get(tx);
    if (!perTx) lookups.set(tx, (perTx = new WeakMap()));
    let found = perTx.get(event);
    if (!found) {
      found = approvedAt(tx, candidate, sentAt(event));
      perTx.set(event, found);
    }
    return found;
  }

  function sentAt(event: MsgauditEvent): number {
    return event.msgtime !== null && event.msgtime > 0 ? event.msgtime : deps.now();
  }

  const msgauditHooks: MsgauditEventHooks = {
    effects(accountId, event): ArchiveEntry['effects'] | undefined {
      let candidate: MessageCandidate | undefined;
      try {
        candidate = candidateOf(event);
      } catch (err) {
        // Never stops ingestion: the message is archived unlinked.
        deps.logger.error({ corp: accountId, msgtype: event.msgtype, err: (err as Error).name }, 'content library could not fingerprint a captured message');
        return undefined;
      }
      if (!candidate) return undefined;
      const found = candidate;
      return async (tx, recordId) => {
        const match = await lookup(tx, event, found);
        if (!match) return;
        const row: ContentItemUseRow = {
          recordId, itemId: match.itemId, itemVersion: match.itemVersion, accountId, msgtype: event.msgtype ?? event.type,
          senderBidx: event.from ? deps.subjectIndex(event.from) : null, sentAt: sentAt(event), createdAt: deps.now(),
        };
        await tx.insert(CONTENT_ITEM_USE_ENTITY, row as unknown as Record<string, unknown>);
        committed.set(event, { ...match, recordId });
      };
    },
    afterCommit(accountId, events) {
      for (const event of events) {
        const link = committed.get(event);
        if (!link) continue;
        matches.inc({ corp: accountId, kind: link.kind });
        deps.logger.info({ corp: accountId, itemId: link.itemId, itemVersion: link.itemVersion, recordId: link.recordId }, 'captured message matched an approved content item');
      }
    },
  };

  return {
    msgauditHooks,
    matches,
    async preApproved(tx, _accountId, event) {
      const candidate = candidateOf(event);
      return candidate ? lookup(tx, event, candidate) : undefined;
    },
  };
}

/** The item approved at `at` with the candidate's fingerprint, as a match; undefined when none. */
async function approvedAt(tx: EffectTransaction, candidate: MessageCandidate, at: number): Promise<PreApprovedMatch | undefined> {
  const item = await tx.findOne<ContentItemRow>(CONTENT_ITEM_ENTITY, {
    fingerprint: candidate.fingerprint,
    kind: candidate.kind,
    approvedAt: LessThanOrEqual(at),
    retiredAt: Raw((column) => `(${column} IS NULL OR ${column} > :contentSentAt)`, { contentSentAt: at }),
  });
  if (!item) return undefined;
  const paths = new Set(candidate.coveredPaths);
  if (candidate.kind === 'link' && candidate.linkDescription !== undefined && candidate.linkDescription === normaliseText(item.linkDescription ?? '')) paths.add('link.description');
  return { itemId: item.id, itemVersion: item.version, kind: item.kind, paths };
}
