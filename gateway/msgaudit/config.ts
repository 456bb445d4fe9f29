/**
 * Configuration of chat-archive ingestion (WeCom 会话内容存档, wecom.md §6):
 * `msgaudit:` at the top level (the Finance SDK and how pulling behaves) and
 * `corps[].msgaudit` (the corp's msgaudit secret and RSA private keys by
 * publickey_ver). A corp with a `msgaudit` block is pulled; the keys
 * themselves are checked when the gateway starts (MsgauditKeyring reports
 * every refused version at once), not here, so `cgw config check` stays
 * free of crypto and the schema free of key material in its errors.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { GatewayConfig } from '../config/schema';

const PUBLICKEY_VER = /^(?:0|[1-9][0-9]{0,9})$/;

/** `corps[].msgaudit`: one corp's chat-archive credentials. `secretFile` and `"<ver>File"` read them from files. */
export const corpMsgauditSchema = z.strictObject({
  /** The 会话内容存档 secret the Finance SDK's Init takes. */
  secret: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'must be 16-128 characters [A-Za-z0-9_-]'),
  /** PEM private keys (PKCS#1 or PKCS#8) by the publickey_ver the admin console gave their public halves: keep every version ever uploaded. */
  privateKeys: z
    .record(z.string(), z.string().includes('-----BEGIN', { message: 'must be a PEM private key' }))
    .superRefine((keys, ctx) => {
      if (Object.keys(keys).length === 0) ctx.addIssue({ code: 'custom', message: 'at least one private key is required' });
      for (const name of Object.keys(keys)) {
        if (!PUBLICKEY_VER.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'keys are publickey_ver numbers (e.g. "3"); "3File: path" reads one from a file' });
      }
    }),
});
/** A validated `corps[].msgaudit`. */
export type CorpMsgauditConfig = z.infer<typeof corpMsgauditSchema>;

/** `msgaudit:` at the top level. */
export const msgauditConfigSchema = z
  .strictObject({
    /** The bank-supplied libWeWorkFinanceSdk_C.so; required once a corp has a msgaudit block. */
    sdkPath: z.string().min(1).optional(),
    /** Backstop pull when no msgaudit_notify wakes the puller. */
    pullIntervalMs: z.number().int().min(1000).max(3_600_000).default(60_000),
    /** Records per GetChatData call (the SDK allows 1-1000). */
    batchLimit: z.number().int().min(1).max(1000).default(1000),
    /** The SDK's own timeout of GetChatData / GetMediaData. */
    timeoutSeconds: z.number().int().min(1).max(300).default(5),
    /** The SDK's proxy: socks5://host:port or http://host:port (credentials in proxyPassword). */
    proxy: z.string().default(''),
    /** Proxy credentials as user:password (a secret: proxyPasswordFile). */
    proxyPassword: z.string().default(''),
    /** How long Tencent keeps archive data pullable. */
    retentionDays: z.number().min(1).max(30).default(5),
    /** Alert when less than this many hours remain before unpulled data would pass the retention horizon. */
    alertHoursBeforeLoss: z.number().min(1).default(96),
    /** One puller per corp across replicas: how long the lease lasts without renewal. */
    leaseTtlMs: z.number().int().min(5000).max(600_000).default(30_000),
    /** Retry spacing after a retryable failure: doubles from base to max. */
    backoffBaseMs: z.number().int().min(10).default(1000),
    backoffMaxMs: z.number().int().min(100).default(60_000),
    /** Records whose keys are RSA-unwrapped (250–500 µs each), or that are decrypted and parsed (~40 µs each), between two turns of the event loop; records sent to an unwrap worker in one message. */
    decryptChunk: z.number().int().min(1).max(1000).default(50),
    /**
     * Worker threads that RSA-unwrap record keys (shared by every pulled corp). Absent: one per core
     * (`os.availableParallelism()`): the workers only run as fast as the event loop hands them
     * records, so a worker per core costs nothing once the event loop is the limit, and on 2 cores it
     * caught up 10–15 % faster than one worker (bench/msgaudit.bench.ts). 0: unwrap on the event loop.
     */
    unwrapWorkers: z.number().int().min(0).max(64).optional(),
    /** How often lag and retention metrics are refreshed from the cursor rows. */
    statusIntervalMs: z.number().int().min(1000).default(60_000),
    /** Largest media file fetched; a larger one fails visibly. Files are archived in parts of mediaPartBytes, so this bounds time and storage, not memory. */
    mediaMaxBytes: z.number().int().min(1024).max(4 * 1024 * 1024 * 1024).default(2 * 1024 * 1024 * 1024),
    /** A media file larger than this is archived as parts of this size (wecom.msgaudit.media.part) and one record naming them; at most one part is held in memory. */
    mediaPartBytes: z.number().int().min(64 * 1024).max(64 * 1024 * 1024).default(8 * 1024 * 1024),
    /** Download attempts of one media file before its outbox row is failed (visible, never dropped). */
    mediaMaxAttempts: z.number().int().min(1).max(100).default(12),
    /** One downloader per media file: how long a claim lasts (longer than a download). */
    mediaClaimMs: z.number().int().min(1000).default(600_000),
  })
  .refine((m) => m.alertHoursBeforeLoss < m.retentionDays * 24, { message: 'must be below retentionDays × 24', path: ['alertHoursBeforeLoss'] })
  .refine((m) => m.backoffMaxMs >= m.backoffBaseMs, { message: 'must be at least backoffBaseMs', path: ['backoffMaxMs'] });
/** A validated `msgaudit:` section. */
export type MsgauditConfig = z.infer<typeof msgauditConfigSchema>;

/** Size of the RSA unwrap pool: `unwrapWorkers` as configured, else one per core; 0 = unwrap in-thread. */
export function unwrapWorkerCount(config: Pick<MsgauditConfig, 'unwrapWorkers'>, cores: number = availableParallelism()): number {
  return config.unwrapWorkers ?? Math.max(1, cores);
}

/** Problems spanning msgaudit and corps: an SDK path when a corp is pulled, one puller per CorpID. */
export function msgauditCrossFieldProblems(config: Pick<GatewayConfig, 'msgaudit' | 'corps'>): string[] {
  const problems: string[] = [];
  const pulled = config.corps.map((corp, i) => ({ corp, i })).filter(({ corp }) => corp.msgaudit);
  // Optional chaining: load-config also runs this on a tree that failed the schema.
  if (pulled.length > 0 && !config.msgaudit?.sdkPath) {
    problems.push(`msgaudit.sdkPath: required, corp "${pulled[0]!.corp.id}" has a msgaudit block (the bank-supplied libWeWorkFinanceSdk_C.so)`);
  }
  const seen = new Map<string, number>();
  for (const { corp, i } of pulled) {
    const first = seen.get(corp.corpId);
    if (first !== undefined) problems.push(`corps.${i}.msgaudit: CorpID ${corp.corpId} is already pulled by corps.${first} (one cursor per corp)`);
    else seen.set(corp.corpId, i);
  }
  return problems;
}
