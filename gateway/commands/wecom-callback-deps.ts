/**
 * What the WeCom callback command (accept-wecom-callback.ts) is given by the
 * composition root, the hooks other parts of the gateway plug into it, and
 * the corps resolved once at start.
 */
import type { Logger } from 'pino';
import { aesKeyFromEncodingAESKey } from '../../connectors/wechat/callback/crypto';
import type { WecomCallbackEvent } from '../../connectors/wecom/callback/event-types';
import type { ArchiveWriter } from '../archive/writer';
import type { ArchiveEntry } from '../archive/types';
import type { CorpConfig, GatewayConfig } from '../config/schema';
import type { GatewayMetrics } from '../observability/metrics';

/**
 * What other parts of the gateway do with WeCom callback events, passed in by the composition root.
 * `corpConfigId` is the corp's configuration id (`corps[].id`), never the CorpID.
 */
export interface WecomCallbackHooks {
  /**
   * A msgaudit_notify event was archived (or was a duplicate of an archived one: waking twice is harmless, missing a wake-up is not):
   * wake the corp's chat-archive puller. Called after the commit, before the answer; must not throw (a throw is logged and ignored).
   */
  msgauditNotify?(corpConfigId: string): void;
  /**
   * Rows the event justifies (the consent ledger's entries for msg_audit_approved …), written IN the archive record's
   * transaction and only when the record is new (ArchiveEntry.effects). The entry then commits in a transaction of its
   * own, so a failing effect fails only this push (answered 503: WeCom retries). Return undefined when there is nothing to write.
   */
  consentEffects?(corpConfigId: string, event: WecomCallbackEvent): ArchiveEntry['effects'] | undefined;
  /** A new record was committed (not called for duplicates). Called before the answer; must not throw (a throw is logged and ignored). */
  afterArchive?(corpConfigId: string, event: WecomCallbackEvent, recordId: string): void;
}

/** A corp with a callback block, its AES key derived once at start. */
export interface WecomCorpRuntime {
  config: CorpConfig;
  token: string;
  aesKey: Buffer;
}

export interface WecomCallbackDeps {
  /** Corps with a `callback` block, by configuration id. */
  corps: Map<string, WecomCorpRuntime>;
  archive: Pick<ArchiveWriter, 'append'>;
  hooks: WecomCallbackHooks;
  maxSkewSeconds: number;
  archiveTimeoutMs: number;
  now(): number;
  logger: Logger;
  metrics: Pick<GatewayMetrics, 'wecomCallbacks' | 'wecomCallbackSeconds' | 'wecomCallbackEvents'>;
}

/** The corps that receive callbacks (those with a `callback` block), keys derived. @throws CallbackCryptoError for a bad EncodingAESKey (the schema rejects those first). */
export function wecomCorpRuntimes(corps: readonly CorpConfig[]): Map<string, WecomCorpRuntime> {
  const out = new Map<string, WecomCorpRuntime>();
  for (const corp of corps) {
    if (corp.callback) out.set(corp.id, { config: corp, token: corp.callback.token, aesKey: aesKeyFromEncodingAESKey(corp.callback.encodingAESKey) });
  }
  return out;
}

/** Build the command's dependencies from the configuration and the gateway's collaborators. */
export function wecomCallbackDeps(
  config: Pick<GatewayConfig, 'corps' | 'callbacks'>,
  parts: Pick<WecomCallbackDeps, 'archive' | 'hooks' | 'now' | 'logger' | 'metrics'>,
): WecomCallbackDeps {
  return {
    corps: wecomCorpRuntimes(config.corps),
    maxSkewSeconds: config.callbacks.maxSkewSeconds,
    archiveTimeoutMs: config.callbacks.archiveTimeoutMs,
    ...parts,
  };
}
