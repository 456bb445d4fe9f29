/**
 * Consent and identity, assembled: the ledger, notices, bindings, page
 * states and compliance alerts over one database, with the change poller
 * that keeps every replica's caches honest.
 */
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { ArchiveWriter } from '../archive/writer';
import type { KeyStore } from '../archive/crypto/key-store';
import type { ConnectionGate } from '../db/connection-gate';
import type { ConsentConfig } from './config';
import { TypeOrmConsentLedger } from './ledger';
import { TypeOrmBindings } from './bindings';
import { TypeOrmPageStates } from './page-states';
import { ComplianceAlerts, type OpenAlert } from './alerts';
import { createNotices } from './notices';
import { customerIndex, personIndex, type PersonIndex } from './person-index';
import type { ConsentNotices, PersonRef } from './ports';

export interface ConsentDeps {
  config: ConsentConfig;
  dataSource: DataSource;
  gate: ConnectionGate;
  archive: ArchiveWriter;
  keyStore: KeyStore;
  now(): number;
  logger: Logger;
  belongsElsewhere?(person: PersonRef): Promise<boolean>;
  onAlert?(alert: OpenAlert): void;
}

export interface Consent {
  ledger: TypeOrmConsentLedger;
  notices: ConsentNotices & { currentVersions(): Map<string, string> };
  bindings: TypeOrmBindings;
  pageStates: TypeOrmPageStates;
  alerts: ComplianceAlerts;
  index: PersonIndex;
  customerIndex(customerId: string): string;
  /** Read what other replicas recorded since the last poll and drop it from the caches (the poller does this every changePollMs). */
  pollChanges(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

// Other replicas' clocks may be behind ours: re-read a window this wide behind the last poll.
const CLOCK_SLACK_MS = 10_000;

export function createConsent(deps: ConsentDeps): Consent {
  const index = personIndex(deps.keyStore);
  const toCustomer = customerIndex(deps.keyStore);
  const notices = createNotices(deps.config);
  const ledger = new TypeOrmConsentLedger({
    dataSource: deps.dataSource, gate: deps.gate, archive: deps.archive, index, currentVersions: () => notices.currentVersions(), now: deps.now, cacheTtlMs: deps.config.cacheTtlMs, logger: deps.logger,
  });
  const bindings = new TypeOrmBindings({
    dataSource: deps.dataSource, gate: deps.gate, archive: deps.archive, keyStore: deps.keyStore, index, customerIndex: toCustomer, now: deps.now, cacheTtlMs: deps.config.cacheTtlMs,
    ...(deps.belongsElsewhere ? { belongsElsewhere: deps.belongsElsewhere } : {}),
  });
  const pageStates = new TypeOrmPageStates({ dataSource: deps.dataSource, gate: deps.gate, keyStore: deps.keyStore, ttlSeconds: deps.config.oauthStateTtlSeconds, now: deps.now });
  const alerts = new ComplianceAlerts({ dataSource: deps.dataSource, gate: deps.gate, now: deps.now, ...(deps.onAlert ? { onOpen: deps.onAlert } : {}) });

  let lastPoll = deps.now();
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<unknown> = Promise.resolve();
  const pollChanges = async (): Promise<number> => {
    const since = lastPoll - CLOCK_SLACK_MS;
    lastPoll = deps.now();
    const [consentChanged, bindingChanged] = await Promise.all([ledger.changedSince(since), bindings.changedSince(since)]);
    ledger.invalidate(consentChanged);
    bindings.cache.invalidate(bindingChanged);
    return consentChanged.length + bindingChanged.length;
  };

  return {
    ledger, notices, bindings, pageStates, alerts, index, customerIndex: toCustomer, pollChanges,
    start() {
      if (timer || deps.config.cacheTtlMs === 0) return;
      timer = setInterval(() => {
        polling = pollChanges().catch((err: unknown) => deps.logger.warn({ err: (err as Error).message }, 'consent change poll failed; caches expire by TTL'));
      }, deps.config.changePollMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await polling;
    },
  };
}
