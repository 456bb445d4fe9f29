/** What the inbound commands (acceptCallback, the forward worker) are given by the composition root. */
import type { ArchiveEntry } from '../archive/types';
import type { Logger } from 'pino';
import type { ChatEvent } from '../../connectors/canonical/chat-event';
import type { AppReply } from '../../connectors/wechat/callback/reply';
import type { ReplyScreen } from '../outbound/screen-reply';
import type { AccountConfig, AppConfig } from '../config/schema';
import type { ArchiveWriter } from '../archive/writer';
import type { ArchiveReader } from '../archive/reader';
import type { OutboxStore } from '../outbox/outbox-store';
import type { GatewayMetrics } from '../observability/metrics';

/** An account with its derived key and its subscribers resolved once at start. */
export interface AccountRuntime {
  config: AccountConfig;
  aesKey: Buffer;
  subscribers: AppConfig[];
  /** The app whose passive reply is returned to Tencent, if any. */
  replier?: AppConfig;
}

export interface InboundDeps {
  accounts: Map<string, AccountRuntime>;
  apps: Map<string, AppConfig>;
  archive: Pick<ArchiveWriter, 'append'>;
  reader: ArchiveReader;
  outbox: OutboxStore;
  /** Ask the queue to run an outbox row now (or after `delayMs`); failures are left to the sweeper. */
  schedule(outboxId: string, attempts?: number, delayMs?: number): void;
  /** Automatic policy on a validated passive reply (see outbound/screen-reply.ts); absent: every valid reply is returned. */
  screenReply?(input: { app: AppConfig; accountId: string; reply: AppReply }): Promise<ReplyScreen>;
  /** Told about every newly archived inbound event (customer-service window and follow state, consent capture); must not throw. */
  observeInbound?(event: ChatEvent): void;
  /** State an inbound event justifies, written in the transaction that archives it (a consent withdrawal keyword); must not fail for business reasons. */
  inboundEffects?(event: ChatEvent): ArchiveEntry['effects'] | undefined;
  maxSkewSeconds: number;
  replyBudgetMs: number;
  archiveTimeoutMs: number;
  forwarding: { timeoutMs: number; maxAttempts: number; backoffBaseMs: number; backoffMaxMs: number };
  now(): number;
  logger: Logger;
  metrics: GatewayMetrics;
}
