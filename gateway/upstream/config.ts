/**
 * Configuration of the Tencent call edge (`tencent:` in the gateway config):
 * where Tencent is, how long to wait, which CA to trust, and how access
 * tokens are renewed and shared between replicas.
 */
import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/ }).refine((value) => !new URL(value).search, 'must not carry a query');

export const tokenPolicySchema = z
  .strictObject({
    /** Renew when less than this share of the token's life remains… */
    renewFraction: z.number().min(0).max(0.5).default(0.1),
    /** …or less than this many milliseconds, whichever comes first. */
    renewBeforeMs: z.number().int().min(0).max(3_600_000).default(300_000),
    /** How long one replica holds the refresh lease; must outlast a refresh (two fetches). */
    leaseTtlMs: z.number().int().min(2000).max(600_000).default(30_000),
    /** How long a replica without the lease waits for the holder's token; longer than leaseTtlMs so a crashed holder is taken over. */
    waitTimeoutMs: z.number().int().min(1000).max(600_000).default(35_000),
    /** How long a replica trusts its in-memory copy before re-reading the shared row. */
    memoryTtlMs: z.number().int().min(0).max(3_600_000).default(60_000),
    /** stable_token force_refresh spacing: Tencent ignores forced refreshes less than 30 s apart. */
    forceRefreshMinIntervalMs: z.number().int().min(30_000).default(30_000),
    /** stable_token force_refresh per Beijing day: Tencent allows 20. */
    forceRefreshDailyLimit: z.number().int().min(0).max(20).default(20),
  })
  .refine((p) => p.waitTimeoutMs > p.leaseTtlMs, { message: 'waitTimeoutMs must exceed leaseTtlMs (waiters must outlive a crashed holder)', path: ['waitTimeoutMs'] });

export const tencentConfigSchema = z
  .strictObject({
    /** OA API host; the simulator's URL in demo mode and tests. */
    oaBaseUrl: httpUrl.default('https://api.weixin.qq.com'),
    /** WeCom API host. */
    wecomBaseUrl: httpUrl.default('https://qyapi.weixin.qq.com'),
    /** OA web authorization (网页授权) endpoint the consent and bind pages send the browser to; the simulator's `/connect/oauth2/authorize` in demo mode and tests. */
    oauthAuthorizeUrl: httpUrl.default('https://open.weixin.qq.com/connect/oauth2/authorize'),
    /** Deadline of one Tencent exchange (connect, send, answer). */
    timeoutMs: z.number().int().min(500).max(120_000).default(10_000),
    /** PEM file of extra CAs to trust (a TLS-inspecting egress proxy); added to Node's bundled roots. */
    caFile: z.string().min(1).optional(),
    /** Largest Tencent answer accepted. */
    maxResponseBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(4 * 1024 * 1024),
    /** Concurrent connections per Tencent host and replica. */
    maxSockets: z.number().int().min(1).max(1024).default(64),
    tokens: tokenPolicySchema.prefault({}),
  })
  .refine((c) => c.tokens.leaseTtlMs >= 2 * c.timeoutMs + 2000, {
    message: 'tokens.leaseTtlMs must be at least 2 × timeoutMs + 2000 (a forced refresh makes two fetches under the lease)',
    path: ['tokens', 'leaseTtlMs'],
  });

/** The validated `tencent:` configuration. */
export type TencentConfig = z.infer<typeof tencentConfigSchema>;
/** The validated `tencent.tokens` policy. */
export type TokenPolicy = z.infer<typeof tokenPolicySchema>;

/** One WeCom corp and its app secrets by name (`contacts`, `msgaudit`, `app-1000002`, …): every secret has its own token. */
export const wecomCorpSchema = z.strictObject({
  corpId: z.string().regex(/^ww[0-9a-zA-Z]{6,30}$|^wx[0-9a-f]{16}$/, 'must look like a WeCom CorpID (ww…)'),
  secrets: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'secret names: lower-case letters, digits and dashes'), z.string().min(16).max(128)),
});
/** A validated WeCom corp entry. */
export type WecomCorpConfig = z.infer<typeof wecomCorpSchema>;
