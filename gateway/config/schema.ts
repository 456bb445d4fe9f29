/**
 * The gateway's configuration schema: one YAML file, overridden by CGW_*
 * environment variables, with secrets optionally read from files. Every
 * problem is reported at once (see load-config.ts).
 */
import { bindConfigSchema, consentConfigSchema } from '../consent/config';
import { z } from 'zod';
import { tencentConfigSchema } from '../upstream/config';
import { adminConfigSchema } from '../admin-api/config';
import { corpMsgauditSchema, msgauditConfigSchema } from '../msgaudit/config';
import { contentLibraryConfigSchema } from '../content-library/config'; // content library
import { handoverConfigSchema } from '../handover/config'; // RM departure (handover)

const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;
const OA_APPID = /^wx[0-9a-f]{16}$/;
const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A Tencent-style message security mode: plain, compatible (clear + Encrypt) or safe (Encrypt only). */
export const messageModeSchema = z.enum(['plain', 'compatible', 'safe']);
export type MessageMode = z.infer<typeof messageModeSchema>;

const encodingAESKey = z.string().regex(ENCODING_AES_KEY, 'must be exactly 43 characters [A-Za-z0-9]');
const token = z.string().regex(/^[A-Za-z0-9]{3,32}$/, 'must be 3-32 letters or digits (Tencent rule)');

export const accountSchema = z.strictObject({
  id: z.string().regex(ID, 'lower-case letters, digits and dashes'),
  appId: z.string().regex(OA_APPID, 'must look like wx followed by 16 hex digits'),
  appSecret: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 hex digits'),
  originalId: z.string().regex(/^gh_[0-9a-f]{12}$/, 'must look like gh_ followed by 12 hex digits'),
  token,
  encodingAESKey,
  mode: messageModeSchema,
});
export type AccountConfig = z.infer<typeof accountSchema>;

const WECOM_CORP_ID = /^ww[0-9a-f]{16}$/;
const wecomSecret = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'must be 16-64 characters [A-Za-z0-9_-]');

/** A WeCom corp the gateway sends through: its apps' secrets and the customer-contact secret live only here. */
export const corpSchema = z.strictObject({
  id: z.string().regex(ID, 'lower-case letters, digits and dashes'),
  corpId: z.string().regex(WECOM_CORP_ID, 'must look like ww followed by 16 hex digits'),
  /** Self-built apps (message/send), each with its own secret. */
  agents: z.array(z.strictObject({ agentId: z.number().int().min(1), secret: wecomSecret })).default([]),
  /** The customer-contact (客户联系) secret for externalcontact APIs. */
  contactSecret: wecomSecret.optional(),
  /** Chat archive (会话内容存档): present = the gateway pulls this corp's archive (see gateway/msgaudit/config.ts). */
  msgaudit: corpMsgauditSchema.optional(),
  /**
   * The corp's callback (接收事件服务器): present = WeCom may push to /callback/wecom/<id>. The Token and
   * EncodingAESKey set in the WeCom admin console (`tokenFile` / `encodingAESKeyFile` read them from files).
   */
  callback: z.strictObject({ token, encodingAESKey }).optional(),
});
export type CorpConfig = z.infer<typeof corpSchema>;

export const appSchema = z.strictObject({
  id: z.string().regex(ID, 'lower-case letters, digits and dashes'),
  /** Gateway-issued credentials, shaped like Tencent's so the app's SDK accepts them. */
  credentials: z.strictObject({
    appId: z.string().regex(OA_APPID, 'must look like wx followed by 16 hex digits'),
    appSecret: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 hex digits'),
    token,
    encodingAESKey,
  }),
  /** Gateway-issued WeCom-shaped credentials (corpid + corpsecret) for the app's WeCom SDK. */
  wecomCredentials: z.strictObject({ corpId: z.string().regex(WECOM_CORP_ID, 'must look like ww followed by 16 hex digits'), corpSecret: wecomSecret }).optional(),
  /** Where inbound pushes are forwarded (required when the app subscribes to an account). */
  callbackUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** How the gateway forwards to this app: safe re-encrypts with the app's key. */
  mode: messageModeSchema.default('safe'),
  subscribes: z.array(z.string()).default([]),
  /** The one app per account whose passive reply is returned to Tencent. */
  repliesFor: z.array(z.string()).default([]),
  /** Account and corp ids this app may send through (the Tencent-compatible API). */
  sends: z.array(z.string()).default([]),
  /** SSO groups that own the app: their members can never approve its messages. */
  owners: z.array(z.string().min(1)).default([]),
  /** Where the gateway POSTs outcome events of held messages (delivered, rejected, expired, failed), signed with the app's secret. */
  eventsUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type AppConfig = z.infer<typeof appSchema>;

const databaseSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('sqlite'), path: z.string().min(1) }),
  z.strictObject({
    type: z.literal('postgres'),
    url: z.string().startsWith('postgres'),
    poolSize: z.number().int().min(1).max(200).default(20),
    /** Connections kept open while idle (at most poolSize): a burst after a quiet spell then finds them ready instead of connecting and re-preparing statements. */
    poolMin: z.number().int().min(0).max(200).default(10),
    /** Hot-path statements as named prepared statements (parsed and planned once per connection). Turn off behind a transaction-pooling PgBouncer older than 1.21. */
    preparedStatements: z.boolean().default(true),
  }),
  z.strictObject({
    type: z.literal('mssql'),
    host: z.string().min(1),
    port: z.number().int().default(1433),
    database: z.string().min(1),
    user: z.string().min(1),
    password: z.string().min(1),
    encrypt: z.boolean().default(true),
    trustServerCertificate: z.boolean().default(false),
  }),
]);

const queueSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('in-process') }),
  z.strictObject({ type: z.literal('bull'), redisUrl: z.string().startsWith('redis'), prefix: z.string().default('cgw') }),
]);

export const configSchema = z.strictObject({
  /** Where keys, the PKI and the embedded database live. */
  dataDir: z.string().default('.cgw'),
  server: z.strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    shutdownGraceMs: z.number().int().min(0).default(10000),
    /** Worker processes sharing the port (node cluster); each is a full gateway. SQLite allows one writer process: 1 there. */
    workers: z.number().int().min(1).max(64).default(1),
  }).prefault({}),
  database: databaseSchema.default({ type: 'sqlite', path: '.cgw/gateway.db' }),
  queue: queueSchema.default({ type: 'in-process' }),
  keys: z.strictObject({ type: z.literal('file'), path: z.string().default('.cgw/keys.json') }).prefault({ type: 'file' }),
  archive: z.strictObject({
    shards: z.number().int().min(1).max(64).default(8),
    checkpointIntervalMs: z.number().int().min(1000).default(60000),
    pkiDir: z.string().default('.cgw/pki'),
    maxBatch: z.number().int().min(1).max(2000).default(256),
    /** Appends that may wait for the database; more are answered 503 at once (a hung database must not grow memory without bound). */
    maxPending: z.number().int().min(1).default(20000),
  }).prefault({}),
  callbacks: z.strictObject({
    maxBodyBytes: z.number().int().min(1024).max(1048576).default(65536),
    maxSkewSeconds: z.number().int().min(10).default(300),
    /** Time allowed for the replying app inside Tencent's 5 s budget. */
    replyBudgetMs: z.number().int().min(100).max(4500).default(3500),
    /** Longest wait for the archive commit before answering 503 (Tencent retries; a late commit is deduplicated). */
    archiveTimeoutMs: z.number().int().min(100).max(4800).default(4000),
  }).prefault({}),
  forwarding: z.strictObject({
    timeoutMs: z.number().int().min(100).default(5000),
    maxAttempts: z.number().int().min(1).max(100).default(12),
    backoffBaseMs: z.number().int().min(10).default(1000),
    backoffMaxMs: z.number().int().min(100).default(600000),
    concurrency: z.number().int().min(1).max(256).default(16),
    sweepIntervalMs: z.number().int().min(100).default(5000),
  }).prefault({}),
  outbound: z.strictObject({
    /** Largest JSON body an app may send. */
    maxBodyBytes: z.number().int().min(1024).max(16777216).default(1048576),
    /** Largest media upload (Tencent's largest, video/file, is 20 MB). */
    maxMediaBytes: z.number().int().min(1024).max(67108864).default(20971520),
    /** Lifetime of a gateway-issued access token, reported as expires_in. */
    tokenTtlSeconds: z.number().int().min(300).max(7200).default(7200),
    /** How long the app's call waits for Tencent before the gateway answers "queued" and keeps retrying. */
    inlineTimeoutMs: z.number().int().min(100).max(30000).default(4000),
    /** A held message expires after this many hours (earlier when its 48-hour window closes). */
    heldTtlHours: z.number().int().min(1).max(720).default(72),
    maxAttempts: z.number().int().min(1).max(100).default(10),
    backoffBaseMs: z.number().int().min(10).default(2000),
    backoffMaxMs: z.number().int().min(100).default(600000),
    /** A delivery claim lasts this long: longer than any Tencent call, so a crashed worker's row is retried, a live one's is not. */
    claimMs: z.number().int().min(1000).default(60000),
  }).prefault({}),
  /** Where Tencent is and how upstream access tokens are kept (see gateway/upstream/config.ts). */
  tencent: tencentConfigSchema.prefault({}),
  /** The admin API: SSO (OIDC) and the local admin token (see gateway/admin-api/config.ts). */
  admin: adminConfigSchema,
  /** The policy every outbound message is evaluated against (YAML, see policies/). */
  policy: z.strictObject({
    /** Absent: the bundled policies/default-policy.yaml. A relative path is relative to the working directory. */
    file: z.string().min(1).optional(),
  }).prefault({}),
  logging: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).prefault({}),
  /** Demo mode: the built-in Tencent simulator sends traffic to the gateway and a demo app receives it. */
  demo: z.strictObject({
    enabled: z.boolean().default(false),
    simulatorPort: z.number().int().min(0).max(65535).default(8081),
    appPort: z.number().int().min(0).max(65535).default(8082),
    ratePerSecond: z.number().min(0).max(1000).default(0.5),
  }).prefault({}),
  /** Chat-archive ingestion of the corps that have a msgaudit block (see gateway/msgaudit/config.ts). */
  msgaudit: msgauditConfigSchema.prefault({}),
  /** The pre-approved content library and the WeCom sidebar RMs send its items from (see gateway/content-library/config.ts). */
  contentLibrary: contentLibraryConfigSchema, // content library
  /** RM departure: how hand-overs of an RM's customers and groups run (see gateway/handover/config.ts). */
  handover: handoverConfigSchema.prefault({}), // RM departure (handover)
  /** PIPL consent capture: notices, the consent page, the withdrawal keyword, lookup caching (see gateway/consent/config.ts). */
  consent: consentConfigSchema,
  /** PII binding through the bind page: the bank's login page and the key its assertions are signed with. */
  bind: bindConfigSchema,
  accounts: z.array(accountSchema).default([]),
  corps: z.array(corpSchema).default([]),
  apps: z.array(appSchema).default([]),
});
export type GatewayConfig = z.infer<typeof configSchema>;
export type DatabaseConfig = GatewayConfig['database'];
export type QueueConfig = GatewayConfig['queue'];
export type OutboundConfig = GatewayConfig['outbound'];
