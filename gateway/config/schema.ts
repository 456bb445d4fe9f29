/**
 * The gateway's configuration schema: one YAML file, overridden by CGW_*
 * environment variables, with secrets optionally read from files. Every
 * problem is reported at once (see load-config.ts).
 */
import { z } from 'zod';

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

export const appSchema = z.strictObject({
  id: z.string().regex(ID, 'lower-case letters, digits and dashes'),
  /** Gateway-issued credentials, shaped like Tencent's so the app's SDK accepts them. */
  credentials: z.strictObject({
    appId: z.string().regex(OA_APPID, 'must look like wx followed by 16 hex digits'),
    appSecret: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 hex digits'),
    token,
    encodingAESKey,
  }),
  callbackUrl: z.url({ protocol: /^https?$/ }),
  /** How the gateway forwards to this app: safe re-encrypts with the app's key. */
  mode: messageModeSchema.default('safe'),
  subscribes: z.array(z.string()).min(1, 'an app must subscribe to at least one account'),
  /** The one app per account whose passive reply is returned to Tencent. */
  repliesFor: z.array(z.string()).default([]),
});
export type AppConfig = z.infer<typeof appSchema>;

const databaseSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('sqlite'), path: z.string().min(1) }),
  z.strictObject({ type: z.literal('postgres'), url: z.string().startsWith('postgres'), poolSize: z.number().int().min(1).max(200).default(20) }),
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
  logging: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).prefault({}),
  /** Demo mode: the built-in Tencent simulator sends traffic to the gateway and a demo app receives it. */
  demo: z.strictObject({
    enabled: z.boolean().default(false),
    simulatorPort: z.number().int().min(0).max(65535).default(8081),
    appPort: z.number().int().min(0).max(65535).default(8082),
    ratePerSecond: z.number().min(0).max(1000).default(0.5),
  }).prefault({}),
  accounts: z.array(accountSchema).default([]),
  apps: z.array(appSchema).default([]),
});
export type GatewayConfig = z.infer<typeof configSchema>;
export type DatabaseConfig = GatewayConfig['database'];
export type QueueConfig = GatewayConfig['queue'];
