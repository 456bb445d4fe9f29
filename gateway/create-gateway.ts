/**
 * The composition root: builds every store, service and connector from the
 * configuration and hands them down. Nothing else constructs collaborators;
 * tests build the same graph with a test configuration.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, join } from 'node:path';
import Koa from 'koa';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config/schema';
import { aesKeyFromEncodingAESKey } from '../connectors/wechat/callback/crypto';
import { createDataSource, runMigrations, pendingMigrations } from './db/data-source';
import { FileKeyStore } from './archive/crypto/file-key-store';
import type { KeyStore } from './archive/crypto/key-store';
import { ensureDevPki } from '../certs/pki';
import { ArchiveWriter } from './archive/writer';
import { ArchiveReader } from './archive/reader';
import { Checkpointer } from './archive/checkpointer';
import { TypeOrmArchiveStore } from './archive/typeorm-store';
import { TypeOrmCheckpointStore } from './archive/typeorm-checkpoint-store';
import { TypeOrmOutboxStore } from './outbox/typeorm-outbox-store';
import { OutboxSweeper } from './outbox/sweeper';
import { ConnectionGate } from './db/connection-gate';
import { createQueue } from './queue/create-queue';
import type { JobQueue } from './queue/job-queue';
import { createLogger } from './observability/logger';
import { metricsSource } from './observability/cluster-metrics';
import { createMetrics, type GatewayMetrics } from './observability/metrics';
import type { AccountRuntime, InboundDeps } from './commands/inbound-deps';
import { deliverOutboxRow } from './commands/deliver-outbox-row';
import { errorMiddleware } from './http/error-middleware';
import { callbackRoutes } from './http/callback-routes';
import { opsRoutes } from './http/ops-routes';
import { createUpstream, type Upstream } from './upstream/create-upstream';
import { createAuditLog } from './audit/create-audit-log';
import { createAdminApi } from './admin-api/create-admin-api';
import type { OidcVerifierOptions } from './auth/oidc';
import { adminPorts } from './outbound/admin-ports';
import { consentAdminPorts } from './consent-admin/admin-ports';
import { adminTokenFor } from './admin-token';
import type { AuditLog } from './audit/audit-log';
import { loadPolicyFile } from '../policies/load-policy';
import { preparePolicy, type PreparedPolicy } from '../policies/prepare';
import { createOutbound } from './outbound/create-outbound';
import { createPolicyGate } from './outbound/policy-gate';
import type { MsgIdSource } from './outbound/msgid';
import { upstreamCorps, upstreamSender } from './outbound/upstream-sender';
import { auditAdapter } from './outbound/audit-adapter';
import { deliverOutbound } from './outbound/deliver-outbound';
import { notifyOutboxRow } from './outbound/notify-outbox-row';
import { expireHeld } from './outbound/expire-held';
import { windowObservation } from './outbound/window-trigger';
import { screenPassiveReply } from './outbound/screen-reply';
import type { OutboundDeps } from './outbound/outbound-deps';
import { blindIndex } from './archive/crypto/blind-index';
import { AppTokens } from './compat-api/app-tokens';
import { compatApi } from './compat-api/compat-routes';
import { createMsgaudit, type Msgaudit } from './msgaudit/create-msgaudit';
import { createConsent, type Consent } from './consent/create-consent';
import { bindingView, consentView } from './consent/policy-views';
import { oaConsentCapture, type OaCapture } from './consent/oa-capture';
import type { WecomConsent } from './consent/wecom-consent';
import type { WecomDirectory } from './wecom-directory/wecom-directory';
import { submitOutbound } from './outbound/submit-outbound';
import { classifyOaSend } from '../connectors/wechat/outbound/classify-oa';
import { wecomCallbackRoutes } from './http/wecom-callback-routes'; // WeCom callbacks
import { wecomCallbackDeps, type WecomCallbackHooks } from './commands/wecom-callback-deps'; // WeCom callbacks
import { createConsentPages } from './pages/create-pages'; // consent and bind pages
import type { MsgauditEventHooks } from './msgaudit/archive-entries'; // supervision
import type { Supervision } from './supervision/create-supervision'; // supervision
import type { ContentLibrary } from './content-library/create-content-library'; // content library
import { createSidebar } from './sidebar/create-sidebar'; // content library: WeCom sidebar
import type { Handover } from './handover/create-handover'; // RM departure
import { createWecomServices } from './wecom-services';

/** The policy the gateway runs when the configuration names none. */
export const DEFAULT_POLICY_FILE = join(__dirname, '..', 'policies', 'default-policy.yaml');

export interface GatewayOptions {
  logger?: Logger;
  now?: () => number;
  /** Key store override (tests); the file key store from config otherwise. */
  keyStore?: KeyStore;
  /** A prepared policy instead of config.policy.file (tests). */
  policy?: PreparedPolicy;
  /** SSO token verification hooks (tests point JWKS discovery at a local provider). */
  oidc?: OidcVerifierOptions;
  /**
   * Whether this process runs the housekeeping that needs only one runner per
   * host (sweeper, checkpointer). Default true; in a multi-worker process only
   * worker 0 does (other replicas' sweepers are harmless: enqueue is idempotent
   * and checkpoint numbers are primary keys).
   */
  housekeeping?: boolean;
  /**
   * This process's place among the workers of one host (server.workers): its
   * archive writer writes only the chain shards numbered index,
   * index + count, …, so the workers' concurrent batches never queue on each
   * other's chain-head locks. Default: the only worker.
   */
  worker?: { index: number; count: number };
  /** Gateway msgids (tests force a collision); a per-process source otherwise. */
  msgIds?: MsgIdSource;
  /** Hooks into the WeCom callback endpoint (consent ledger effects, after-archive observers); merged over the built-in msgaudit_notify wake-up. */
  wecomCallbackHooks?: WecomCallbackHooks;
}

export interface Gateway {
  config: GatewayConfig;
  app: Koa;
  deps: InboundDeps;
  dataSource: DataSource;
  queue: JobQueue;
  metrics: GatewayMetrics;
  checkpointer: Checkpointer;
  sweeper: OutboxSweeper;
  outbound: OutboundDeps;
  audit: AuditLog;
  upstream: Upstream;
  appTokens: AppTokens;
  /** WeCom chat-archive ingestion (pullers of the corps with a msgaudit block); `wakeUp(corp)` is what msgaudit_notify calls. */
  msgaudit: Msgaudit;
  /** The consent ledger, notices, PII bindings, page states and compliance alerts. */
  consent: Consent;
  /** OA consent capture (notice on follow / first contact, withdrawal keyword). */
  consentCapture: OaCapture;
  /** WeCom archiving consent: agree/disagree, msg_audit_approved, reconciliation with check_single_agree / check_room_agree. */
  wecomConsent: WecomConsent;
  /** Group-chat snapshots (groupchat/get) and the chat archive's permit-list coverage. */
  wecomDirectory: WecomDirectory;
  /** Post-send supervision of captured chat-archive messages: alerts for review, recall links. */
  supervision: Supervision; // supervision
  /** The pre-approved content library: items and their lifecycle, and the matcher linking captured messages to approved items. */
  contentLibrary: ContentLibrary; // content library
  /** RM departure: hand-overs of an RM's customers and groups to another RM, and everything involving an RM. */
  handover: Handover; // RM departure
  /** Run one expiry pass over held messages now (the sweeper does it every sweep interval). */
  expireHeld(): Promise<number>;
  /** Listen on config.server (or the given port); resolves with the bound port. */
  listen(port?: number): Promise<{ port: number; server: Server }>;
  /** Graceful shutdown: stop accepting, finish in-flight requests, drain the queue, seal a checkpoint, close the database. */
  close(): Promise<void>;
}

/** Build the gateway. @throws when the database cannot be reached or its schema is behind (run `cgw migrate`). */
export async function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config.logging.level);
  const now = options.now ?? Date.now;
  const metrics = createMetrics();
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });

  const keyStore = options.keyStore ?? (existsSync(config.keys.path) ? FileKeyStore.open(config.keys.path) : FileKeyStore.init(config.keys.path));
  const pki = await ensureDevPki(config.archive.pkiDir);

  if (config.database.type === 'sqlite') mkdirSync(dirname(config.database.path), { recursive: true, mode: 0o700 });
  const dataSource = createDataSource(config.database);
  await dataSource.initialize();
  if (config.database.type === 'sqlite') await runMigrations(dataSource);
  else {
    const pending = await pendingMigrations(dataSource);
    if (pending.length > 0) {
      await dataSource.destroy();
      throw new Error(`database schema is behind (${pending.length} pending migration(s)); run: cgw migrate`);
    }
  }

  // One gate for every store: on SQLite they share one connection.
  const gate = ConnectionGate.for(dataSource);
  const archiveStore = new TypeOrmArchiveStore(dataSource, gate);
  const outbox = new TypeOrmOutboxStore(dataSource, gate);
  const writer = new ArchiveWriter({
    store: archiveStore,
    keyStore,
    shards: config.archive.shards,
    ...(options.worker ? { worker: options.worker } : {}),
    maxBatch: config.archive.maxBatch,
    maxPending: config.archive.maxPending,
    now,
    onBatch: (size, seconds) => {
      metrics.archiveBatchSize.observe(size);
      metrics.archiveCommitSeconds.observe(seconds);
    },
    onRerun: () => metrics.archiveBatchReruns.inc(),
  });
  await writer.init();
  const reader = new ArchiveReader((id) => archiveStore.load(id), keyStore);
  let msgaudit: Msgaudit;
  // Built once the consent ledger exists (below); the pullers read their hooks at pull time.
  let wecomConsentService: WecomConsent | undefined;
  let msgauditHooks: MsgauditEventHooks | undefined; // supervision: consent + supervision, combined below
  try {
    msgaudit = createMsgaudit({
      config: config.msgaudit, corps: config.corps, dataSource, gate, archive: writer, reader, outbox, registry: metrics.registry, logger, now,
      // Called once pullers run (msgaudit.start() below), when deps exists.
      schedule: (id, attempts, delayMs) => deps.schedule(id, attempts, delayMs),
      hooks: () => msgauditHooks, // supervision
    });
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  const queue = createQueue(config.queue, logger);

  const schedule = async (outboxId: string, attempts = 0, delayMs?: number): Promise<void> => {
    await queue.enqueue({ id: `${outboxId}.${attempts}`, name: 'forward', payload: { outboxId } }, delayMs ? { delayMs } : undefined);
  };
  const deps: InboundDeps = {
    accounts: accountRuntimes(config),
    apps: new Map(config.apps.map((a) => [a.id, a])),
    archive: writer,
    reader,
    outbox,
    schedule: (id, attempts, delayMs) => {
      schedule(id, attempts, delayMs).catch(() => logger.warn({ outboxId: id }, 'queue unavailable; the sweeper will schedule this row'));
    },
    maxSkewSeconds: config.callbacks.maxSkewSeconds,
    replyBudgetMs: config.callbacks.replyBudgetMs,
    archiveTimeoutMs: config.callbacks.archiveTimeoutMs,
    forwarding: config.forwarding,
    now,
    logger,
    metrics,
  };
  const prepared = options.policy ?? preparePolicy(loadPolicyFile(config.policy.file ?? DEFAULT_POLICY_FILE).policy);
  const auditService = await createAuditLog(dataSource, gate, now);
  const audit = auditService.log;
  const upstream = createUpstream({
    config: config.tencent,
    oaAccounts: config.accounts,
    wecomCorps: upstreamCorps(config.corps),
    dataSource,
    gate,
    keyStore,
    logger,
    now,
    hooks: {
      onTokenRefresh: (e) => metrics.upstreamTokenRefreshes.inc({ product: e.product, mode: e.mode, outcome: e.outcome }),
      onApiError: (e) => metrics.upstreamApiErrors.inc({ product: e.product, label: e.label, retry: e.retry }),
    },
  });
  const subjectIndex = (id: string): string => blindIndex(keyStore.indexKey(), 'subject', id);
  const consent = createConsent({
    config: config.consent, dataSource, gate, archive: writer, keyStore, now, logger,
    // An openid seen on another account cannot be bound here (openids are per account).
    belongsElsewhere: (person) => outbound.contacts.anyBelongsElsewhere(person.accountId, [subjectIndex(person.id)]),
    onAlert: (alert) => logger.warn({ kind: alert.kind, accountId: alert.accountId }, 'compliance alert opened'),
  });
  const outboundAudit = auditAdapter(audit);
  const apps = deps.apps;
  const outbound = createOutbound(config, {
    dataSource, gate, archive: writer, reader, outbox, keyStore, apps,
    policy: { version: prepared.version, decide: () => Promise.reject(new Error('policy gate not ready')) },
    tencent: upstreamSender(upstream, config.accounts, config.corps),
    audit: outboundAudit,
    schedule: deps.schedule,
    observe: {
      submitted: (kind, status) => metrics.outboundMessages.inc({ kind, status }),
      delivery: (kind, outcome) => metrics.outboundDeliveries.inc({ kind, outcome }),
    },
    now,
    logger,
    ...(options.msgIds ? { msgIds: options.msgIds } : {}),
  });
  outbound.policy = createPolicyGate({
    prepared, contacts: outbound.contacts, messages: outbound.messages, subjectIndex, ownerGroup: (appId) => apps.get(appId)?.owners[0], now,
    consent: (message, purposes) => consentView(consent.ledger, consent.index, message, purposes),
    binding: (message) => bindingView(consent.bindings, consent.index, message),
  });
  const consentCapture = oaConsentCapture({
    config: config.consent, ledger: consent.ledger, index: consent.index, now, logger,
    windowsStored: () => outbound.contacts.flush(),
    sendText: async (app, accountId, openid, content) => {
      const body = { touser: openid, msgtype: 'text', text: { content } };
      // The notice is a disclosure whose text compliance configured, not retail communication (no FINRA 2210 count).
      await submitOutbound(outbound, { app, accountId, classified: classifyOaSend('message/custom/send', body), body, notRetail: true });
    },
  });
  deps.inboundEffects = (event) => consentCapture.inboundEffects(event);
  // --- WeCom side (issue 6: archiving consent, content library, supervision, corp directory, RM departure): wecom-services.ts ---
  const wecom = createWecomServices(config, {
    upstream, consent, prepared, dataSource, gate, keyStore, archive: writer, reader, audit, subjectIndex, registry: metrics.registry, logger, now,
  });
  const { contentLibrary, supervision, directory, handover } = wecom;
  wecomConsentService = wecom.wecomConsent;
  msgauditHooks = wecom.msgauditHooks;
  deps.screenReply = (input) => screenPassiveReply(outbound, input);
  deps.observeInbound = (event) => {
    const observation = windowObservation(event, subjectIndex(event.fromUserName));
    if (observation) outbound.contacts.observe(observation);
    consentCapture.afterInbound(event);
  };
  const appTokens = new AppTokens(dataSource, gate, { ttlSeconds: config.outbound.tokenTtlSeconds, now });

  queue.process('forward', config.forwarding.concurrency, async (job) => {
    const outboxId = String(job.payload.outboxId);
    const row = await outbox.get(outboxId);
    if (row?.kind === 'deliver') await deliverOutbound(outbound, outboxId);
    else if (row?.kind === 'notify') await notifyOutboxRow(outbound, outboxId);
    else if (row?.kind === 'media') await msgaudit.fetchMedia(outboxId);
    else await deliverOutboxRow(deps, outboxId);
  });

  const sweeper = new OutboxSweeper({
    outbox,
    schedule,
    intervalMs: config.forwarding.sweepIntervalMs,
    // A row is left alone while the path that created it may still be delivering it: the
    // callback's inline delivery to the replying app runs for up to replyBudgetMs.
    graceMs: Math.max(config.forwarding.sweepIntervalMs * 2, config.callbacks.replyBudgetMs + 1000),
    now,
    logger,
    purgeExpiredNonces: async (nowMs) => {
      // Housekeeping that rides on the sweep: held messages past their expiry, tokens long expired.
      await expireHeld(outbound).catch((err: unknown) => logger.warn({ err }, 'expiring held messages failed; retried next sweep'));
      await appTokens.purgeExpired().catch(() => undefined);
      await consent.pageStates.purge().catch(() => undefined);
      await outbound.messages.count('held').then((n) => metrics.outboundHeld.set(n), () => undefined);
      return archiveStore.purgeExpiredNonces(nowMs);
    },
    onCounts: (c) => {
      metrics.outboxPending.set(c.pending);
      metrics.outboxFailed.set(c.failed);
    },
  });
  const checkpointer = new Checkpointer({
    store: new TypeOrmCheckpointStore(dataSource, gate),
    signerKeyPem: pki.signer.keyPem,
    signerCertPem: pki.signer.certPem,
    intervalMs: config.archive.checkpointIntervalMs,
    now,
    logger,
    onResult: (outcome) => metrics.checkpoints.inc({ outcome }),
  });

  let shuttingDown = false;
  const app = new Koa({ proxy: false });
  app.use(errorMiddleware(logger));
  const ops = opsRoutes(metricsSource(metrics.registry), [
    { name: 'database', check: async () => { await dataSource.query('SELECT 1'); return { ok: true }; } },
    { name: 'queue', check: () => queue.health() },
  ], () => shuttingDown);
  // Tencent's pushes first: the busiest path skips the other apps' routing (no other app serves /callback/oa/).
  const callbacks = callbackRoutes(deps, config.callbacks.maxBodyBytes);
  app.use(callbacks.routes()).use(callbacks.allowedMethods());
  app.use(ops.routes()).use(ops.allowedMethods());
  const admin = createAdminApi({
    config: config.admin,
    ...(config.admin.localToken.enabled ? { localToken: adminTokenFor(config) } : {}),
    ports: {
      ...adminPorts(outbound, config.accounts, config.corps, appTokens),
      ...consentAdminPorts({ consent, dataSource, gate, keyStore, reader, archive: writer, accounts: config.accounts, corps: config.corps, accessFileMaxBytes: config.admin.accessFileMaxBytes, now }),
      ...contentLibrary.ports, // content library
      handover: handover.port, // RM departure
    },
    audit,
    verifyAudit: auditService.verify,
    logger,
    now,
    ...(options.oidc ? { oidc: options.oidc } : {}),
  });
  app.use(admin.middleware);
  // --- WeCom content sidebar (/wecom/:corp/sidebar; before the compatible API, which owns the rest of /wecom/): begin ---
  const sidebar = createSidebar({
    config: config.contentLibrary, corps: config.corps, defaultPublicBaseUrl: config.consent.publicBaseUrl, contentLibrary, upstream, pageStates: consent.pageStates, keyStore, subjectIndex, audit, logger, now,
  });
  app.use(sidebar.middleware);
  // --- WeCom content sidebar: end ---
  app.use(compatApi({
    accounts: deps.accounts, corps: new Map(config.corps.map((c) => [c.id, c])), apps, tokens: appTokens, outbound, audit: outboundAudit, config: config.outbound, now, logger,
  }));
  // --- WeCom callbacks (/callback/wecom/:corp): begin ---
  const wecomCallbacks = wecomCallbackRoutes(wecomCallbackDeps(config, {
    archive: writer, now, logger, metrics,
    hooks: { msgauditNotify: (corp) => msgaudit.wakeUp(corp), ...wecomConsentService.callbackHooks, ...options.wecomCallbackHooks },
  }), config.callbacks.maxBodyBytes);
  app.use(wecomCallbacks.routes()).use(wecomCallbacks.allowedMethods());
  // --- WeCom callbacks: end ---
  // --- consent and bind pages (/p/:account/…): begin ---
  const pages = createConsentPages({
    accounts: config.accounts, tencent: config.tencent, consent: config.consent, bind: config.bind, ports: consent, keyStore, audit, logger, now,
  });
  app.use(pages.middleware);
  // --- consent and bind pages: end ---

  const housekeeping = options.housekeeping ?? true;
  if (housekeeping) {
    sweeper.start();
    checkpointer.start();
  }
  await contentLibrary.start(); // content library: the matcher's fingerprint filter is loaded before the first pull
  handover.startRunner(); // RM departure: every replica may run it (one per job, by lease)
  msgaudit.start();
  consent.start();
  if (housekeeping) {
    wecomConsentService.start();
    directory.start();
  }
  let server: Server | undefined;

  return {
    config, app, deps, dataSource, queue, metrics, checkpointer, sweeper, outbound, audit, upstream, appTokens, msgaudit, consent, consentCapture, wecomConsent: wecomConsentService, wecomDirectory: directory, supervision, contentLibrary, handover,
    expireHeld: () => expireHeld(outbound),
    async listen(port = config.server.port) {
      server = createServer(app.callback());
      server.keepAliveTimeout = 5000;
      server.requestTimeout = 30000;
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, config.server.host, () => resolve());
      });
      const address = server.address();
      return { port: typeof address === 'object' && address ? address.port : port, server };
    },
    async close() {
      shuttingDown = true;
      if (server) {
        const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
        server.closeIdleConnections();
        await Promise.race([closed, new Promise((r) => setTimeout(r, config.server.shutdownGraceMs).unref())]);
        server.closeAllConnections();
      }
      // Before the writer closes: a batch being pulled commits (or rolls back) whole.
      await msgaudit.stop();
      await handover.stop(); // RM departure: the job in flight finishes its archive writes
      await contentLibrary.stop(); // content library
      await consent.stop();
      await wecomConsentService!.stop();
      await directory.stop();
      await consentCapture.settled();
      await sweeper.stop();
      await queue.close({ drainTimeoutMs: config.server.shutdownGraceMs });
      await outbound.contacts.close();
      await writer.close();
      upstream.close();
      pages.close(); // consent and bind pages
      if (housekeeping) await checkpointer.stop();
      await dataSource.destroy();
    },
  };
}

function accountRuntimes(config: GatewayConfig): Map<string, AccountRuntime> {
  return new Map(
    config.accounts.map((account) => {
      const subscribers = config.apps.filter((app) => app.subscribes.includes(account.id));
      const replier = subscribers.find((app) => app.repliesFor.includes(account.id));
      return [account.id, { config: account, aesKey: aesKeyFromEncodingAESKey(account.encodingAESKey), subscribers, ...(replier ? { replier } : {}) }];
    }),
  );
}
