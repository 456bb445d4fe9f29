import {
  APP_ID_PATTERN,
  APP_SECRET_PATTERN,
  createFollowerGenerator,
  createSimulatedAccount,
  OPENID_PATTERN,
  ORIGINAL_ID_PATTERN,
} from '../accounts';
import { aesKeyFromEncodingAESKey } from '../../../connectors/wechat/callback/crypto';

describe('simulated accounts', () => {
  it("generates identifiers in Tencent's shapes", () => {
    const account = createSimulatedAccount({ callbackUrl: 'http://127.0.0.1:8080/wechat/oa/demo' });
    expect(account.appId).toMatch(APP_ID_PATTERN);
    expect(account.appSecret).toMatch(APP_SECRET_PATTERN);
    expect(account.originalId).toMatch(ORIGINAL_ID_PATTERN);
    expect(account.encodingAESKey).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(aesKeyFromEncodingAESKey(account.encodingAESKey)).toHaveLength(32);
    expect(account.mode).toBe('safe');
  });

  it('is reproducible with a seed and different without one', () => {
    const a = createSimulatedAccount({ callbackUrl: 'http://x/cb', seed: 's1' });
    expect(createSimulatedAccount({ callbackUrl: 'http://x/cb', seed: 's1' })).toEqual(a);
    expect(createSimulatedAccount({ callbackUrl: 'http://x/cb' }).appId).not.toBe(a.appId);
  });

  it('refuses identifiers that Tencent would never issue, naming each', () => {
    expect(() => createSimulatedAccount({ callbackUrl: 'not a url', appId: 'wx123', encodingAESKey: 'short' })).toThrow(
      /appId must be wx \+ 16 hex.*encodingAESKey must be 43.*callbackUrl/,
    );
  });
});

describe('follower openids', () => {
  it('are 28 base64url characters starting with o, sharing a per-account prefix', () => {
    const generator = createFollowerGenerator({ appId: 'wx7f083739789a0001' });
    const openids = Array.from({ length: 500 }, () => generator.next());
    for (const openid of openids) expect(openid).toMatch(OPENID_PATTERN);
    expect(new Set(openids).size).toBe(500);
    expect(new Set(openids.map((o) => o.slice(0, 6))).size).toBe(1);
    const other = createFollowerGenerator({ appId: 'wx7f083739789a0002' }).next();
    expect(other.slice(0, 6)).not.toBe(openids[0]?.slice(0, 6));
  });

  it('repeat for the same seed', () => {
    const a = createFollowerGenerator({ appId: 'wx7f083739789a0001' }, { seed: 'run-1' });
    const b = createFollowerGenerator({ appId: 'wx7f083739789a0001' }, { seed: 'run-1' });
    expect([a.next(), a.next()]).toEqual([b.next(), b.next()]);
  });
});
