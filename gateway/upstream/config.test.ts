import { tencentConfigSchema, wecomCorpSchema } from './config';

describe('tencentConfigSchema', () => {
  it('defaults to Tencent production hosts and the documented token policy', () => {
    expect(tencentConfigSchema.parse({})).toEqual({
      oaBaseUrl: 'https://api.weixin.qq.com',
      wecomBaseUrl: 'https://qyapi.weixin.qq.com',
      oauthAuthorizeUrl: 'https://open.weixin.qq.com/connect/oauth2/authorize',
      timeoutMs: 10_000,
      maxResponseBytes: 4 * 1024 * 1024,
      maxSockets: 64,
      tokens: {
        renewFraction: 0.1,
        renewBeforeMs: 300_000,
        leaseTtlMs: 30_000,
        waitTimeoutMs: 35_000,
        memoryTtlMs: 60_000,
        forceRefreshMinIntervalMs: 30_000,
        forceRefreshDailyLimit: 20,
      },
    });
  });

  it('reports every problem at once', () => {
    const result = tencentConfigSchema.safeParse({ oaBaseUrl: 'ftp://x', wecomBaseUrl: 'https://q/?a=1', timeoutMs: 1, tokens: { forceRefreshMinIntervalMs: 1000, forceRefreshDailyLimit: 50, bogus: 1 } });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['oaBaseUrl', 'wecomBaseUrl', 'timeoutMs', 'tokens.forceRefreshMinIntervalMs', 'tokens.forceRefreshDailyLimit', 'tokens']));
  });

  it('requires waiters to outlive a crashed holder and the lease to outlast two fetches', () => {
    expect(tencentConfigSchema.safeParse({ tokens: { leaseTtlMs: 30_000, waitTimeoutMs: 30_000 } }).error?.issues[0]?.path).toEqual(['tokens', 'waitTimeoutMs']);
    expect(tencentConfigSchema.safeParse({ timeoutMs: 20_000 }).error?.issues[0]?.path).toEqual(['tokens', 'leaseTtlMs']);
  });
});

describe('wecomCorpSchema', () => {
  it('accepts named app secrets and refuses bad names and short secrets', () => {
    expect(wecomCorpSchema.safeParse({ corpId: 'ww0123456789abcdef', secrets: { contacts: 'x'.repeat(43) } }).success).toBe(true);
    const bad = wecomCorpSchema.safeParse({ corpId: 'corp', secrets: { 'Bad Name': 'x'.repeat(43), app: 'short' } });
    expect(bad.error?.issues.map((issue) => issue.path.join('.'))).toEqual(expect.arrayContaining(['corpId', 'secrets.Bad Name', 'secrets.app']));
  });
});
