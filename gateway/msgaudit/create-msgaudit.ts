/**
 * Builds chat-archive ingestion for the composition root: the Finance SDK
 * loaded once (a wrong path fails the start, naming the file), one SDK handle
 * per corp, each corp's keyring (every refused key reported at once, at
 * start), the RSA unwrap pool the pullers share (its workers load every
 * corp's keys once), one puller per corp with a `msgaudit` block, and the
 * completeness monitor. Without such a corp nothing is loaded and this is inert.
 */
import type { MsgauditEventHooks } from './archive-entries';
import type { DataSource } from 'typeorm';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { FinanceSdkRegistry } from '../../connectors/wecom/msgaudit/finance-sdk/finance-sdk-registry';
import { loadFinanceSdk } from '../../connectors/wecom/msgaudit/finance-sdk/load-finance-sdk';
import { MsgauditKeyring } from '../../connectors/wecom/msgaudit/keys/keyring';
import type { ArchiveReader } from '../archive/reader';
import type { ArchiveWriter } from '../archive/writer';
import type { OutboxStore } from '../outbox/outbox-store';
import { fetchMedia, type FetchMediaDeps } from './fetch-media';
import type { CorpConfig } from '../config/schema';
import type { ConnectionGate } from '../db/connection-gate';
import type { LeaseStore } from '../upstream/lease-store';
import { TypeOrmLeaseStore } from '../upstream/typeorm-lease-store';
import { unwrapWorkerCount, type MsgauditConfig } from './config';
import { MsgauditCursorStore } from './cursor-store';
import { createMsgauditMetrics, type MsgauditMetrics } from './metrics';
import { MsgauditMonitor } from './monitor';
import { MsgauditPuller } from './msgaudit-puller';
import { UnwrapPool } from './unwrap-pool';

/** Chat-archive ingestion of this gateway. */
export interface Msgaudit {
  /** Pullers by the corp's configuration id. */
  readonly pullers: ReadonlyMap<string, MsgauditPuller>;
  readonly cursors: MsgauditCursorStore;
  /** The lease store and archive writer the pullers share (on SQLite every store must share the gateway's connection gate). */
  readonly leases: LeaseStore;
  readonly archive: Pick<ArchiveWriter, 'appendAll'>;
  readonly monitor: MsgauditMonitor;
  readonly metrics: MsgauditMetrics;
  /** The RSA unwrap workers, when `msgaudit.unwrapWorkers` is not 0 and a corp is pulled. */
  readonly unwrapPool: UnwrapPool | undefined;
  /** Pull corp `corpId` (configuration id or CorpID) now: what the msgaudit_notify callback calls. False when the corp is not pulled. */
  wakeUp(corpId: string): boolean;
  /** The worker's command for a `media` outbox row (fetch-media.ts). */
  fetchMedia(outboxId: string): Promise<void>;
  start(): void;
  /** Stop every puller (each finishes or rolls back its batch), then close the unwrap pool and the SDK handles. */
  stop(): Promise<void>;
}

/** What createMsgaudit needs from the composition root. */
export interface MsgauditDeps {
  config: MsgauditConfig;
  corps: readonly CorpConfig[];
  dataSource: DataSource;
  gate: ConnectionGate;
  archive: Pick<ArchiveWriter, 'appendAll' | 'append'>;
  reader: Pick<ArchiveReader, 'open'>;
  outbox: Pick<OutboxStore, 'get' | 'claim' | 'markDone' | 'markAttemptFailed'>;
  /** Queue an outbox row (after `delayMs`); failures to enqueue are the sweeper's to repair. */
  schedule: (outboxId: string, attempts: number, delayMs?: number) => void;
  registry: Registry;
  logger: Logger;
  now: () => number;
  /** What the consent ledger and others do with archived messages; read at pull time, so it may be set after construction. */
  hooks?: () => MsgauditEventHooks | undefined;
}

/**
 * Build (not start) ingestion for every corp with a msgaudit block.
 * @throws FinanceSdkLoadError (the library path), MsgauditKeyConfigError (a corp's keys)
 */
export function createMsgaudit(deps: MsgauditDeps): Msgaudit {
  const { config, logger, now } = deps;
  const pulled = deps.corps.filter((corp): corp is CorpConfig & { msgaudit: NonNullable<CorpConfig['msgaudit']> } => corp.msgaudit !== undefined);
  // Checked first, before the library is loaded, so key problems are reported even when the SDK path is wrong too.
  const keyrings = new Map(pulled.map((corp) => [corp.id, new MsgauditKeyring(corp.msgaudit.privateKeys)]));
  const sdks = pulled.length > 0 && config.sdkPath ? new FinanceSdkRegistry(loadFinanceSdk(config.sdkPath)) : undefined;
  const metrics = createMsgauditMetrics(deps.registry);
  const cursors = new MsgauditCursorStore(deps.dataSource, deps.gate);
  const leases = new TypeOrmLeaseStore(deps.dataSource, deps.gate);
  const callOptions = { proxy: config.proxy, passwd: config.proxyPassword, timeoutSeconds: config.timeoutSeconds };
  const poolSize = unwrapWorkerCount(config);
  // Keyed by CorpID, which decryptBatch names; the PEMs were checked by the keyrings above.
  const unwrapPool = sdks && poolSize > 0 ? new UnwrapPool({ keys: Object.fromEntries(pulled.map((corp) => [corp.corpId, corp.msgaudit.privateKeys])), size: poolSize, logger }) : undefined;
  const pullers = new Map<string, MsgauditPuller>();
  for (const corp of pulled) {
    if (!sdks) break;
    pullers.set(corp.id, new MsgauditPuller({
      corp: { accountId: corp.id, corpId: corp.corpId },
      sdk: () => sdks.forCorp(corp.corpId, corp.msgaudit.secret),
      keyring: keyrings.get(corp.id)!,
      ...(unwrapPool ? { unwrapPool } : {}),
      archive: deps.archive,
      cursors,
      leases,
      policy: {
        batchLimit: config.batchLimit, pullIntervalMs: config.pullIntervalMs, leaseTtlMs: config.leaseTtlMs,
        backoffBaseMs: config.backoffBaseMs, backoffMaxMs: config.backoffMaxMs, decryptChunk: config.decryptChunk,
        callOptions,
      },
      logger,
      metrics,
      schedule: (outboxId) => deps.schedule(outboxId, 0),
      now,
      hooks: {
        effects: (accountId, event) => deps.hooks?.()?.effects?.(accountId, event),
        afterCommit: (accountId, events) => deps.hooks?.()?.afterCommit?.(accountId, events),
      },
    }));
  }
  const accountByCorpId = new Map(pulled.map((corp) => [corp.corpId, corp.id]));
  const secretByCorpId = new Map(pulled.map((corp) => [corp.corpId, corp.msgaudit.secret]));
  const media: FetchMediaDeps = {
    outbox: deps.outbox,
    reader: deps.reader,
    archive: deps.archive,
    sdkFor: (corpId) => {
      const secret = secretByCorpId.get(corpId);
      return sdks && secret !== undefined ? sdks.forCorp(corpId, secret) : undefined;
    },
    policy: { ...config, callOptions },
    schedule: deps.schedule,
    logger,
    metrics,
    now,
  };
  const monitor = new MsgauditMonitor({
    rows: async () => (await cursors.list()).filter((row) => accountByCorpId.has(row.corpId)),
    accountOf: (corpId) => accountByCorpId.get(corpId),
    policy: config,
    metrics,
    logger,
    now,
  });
  let stopping: Promise<void> | undefined;
  return {
    pullers,
    cursors,
    leases,
    archive: deps.archive,
    monitor,
    metrics,
    unwrapPool,
    wakeUp(corpId) {
      const puller = pullers.get(corpId) ?? pullers.get(accountByCorpId.get(corpId) ?? '');
      puller?.wakeUp();
      return puller !== undefined;
    },
    fetchMedia: (outboxId) => fetchMedia(media, outboxId),
    start() {
      if (pullers.size === 0) return;
      unwrapPool?.start();
      for (const puller of pullers.values()) puller.start();
      monitor.start();
    },
    stop() {
      stopping ??= (async () => {
        monitor.stop();
        await Promise.all([...pullers.values()].map((puller) => puller.stop()));
        await unwrapPool?.close();
        await sdks?.closeAll();
      })();
      return stopping;
    },
  };
}
