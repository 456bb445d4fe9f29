import { callerIpIn, classifyErrcode } from './errcodes';
import type { TencentOperation, TencentProduct } from './tencent-api-error';

type Row = [errcode: number, product: TencentProduct, operation: TencentOperation, retry: string, scope: string, hint: RegExp | undefined];

const OA_IP_ERRMSG = 'invalid ip 203.0.113.7 ipv6 ::ffff:203.0.113.7, not in whitelist rid: 6790b4a0-1a2b3c4d-5e6f7a8b';
const WECOM_IP_ERRMSG = 'not allow to access from your ip, hint: [1684833894235730688668522], from ip: 198.51.100.23, more info at https://open.work.weixin.qq.com/devtool/query?e=60020';

describe('classifyErrcode', () => {
  it.each<Row>([
    // stale tokens on an API call: refresh and retry once
    [40001, 'oa', 'api', 'refresh-token', 'account', undefined],
    [40014, 'oa', 'api', 'refresh-token', 'account', undefined],
    [42001, 'oa', 'api', 'refresh-token', 'account', undefined],
    [40001, 'wecom', 'api', 'refresh-token', 'account', undefined],
    [40014, 'wecom', 'api', 'refresh-token', 'account', undefined],
    [42001, 'wecom', 'api', 'refresh-token', 'account', undefined],
    // on a token fetch, 40001 is a wrong secret: refreshing cannot help
    [40001, 'oa', 'token', 'never', 'account', /wrong secret: check the account's AppSecret/],
    [40001, 'wecom', 'token', 'never', 'account', /wrong secret: check this WeCom app's secret/],
    // busy and quotas: back off
    [-1, 'oa', 'api', 'backoff', 'account', undefined],
    [45009, 'oa', 'api', 'backoff', 'account', /daily API quota/],
    [45011, 'oa', 'api', 'backoff', 'account', undefined],
    [45033, 'wecom', 'api', 'backoff', 'account', /concurrent/],
    [45009, 'wecom', 'token', 'backoff', 'account', /block the IP for 1 hour/],
    [-1, 'wecom', 'token', 'backoff', 'account', undefined],
    // configuration problems: never, with what to fix
    [40125, 'oa', 'token', 'never', 'account', /invalid AppSecret/],
    [40013, 'oa', 'token', 'never', 'account', /invalid AppID/],
    [40013, 'wecom', 'token', 'never', 'account', /invalid CorpID/],
    [40091, 'wecom', 'token', 'never', 'account', /secret is invalid/],
    [40243, 'oa', 'token', 'never', 'account', /frozen/],
    [89503, 'oa', 'token', 'never', 'account', /approve this IP/],
    [48001, 'oa', 'api', 'never', 'account', /not authorised for the account/],
    [48001, 'wecom', 'api', 'never', 'account', /not authorised for the app/],
    [301002, 'wecom', 'api', 'never', 'account', /agentid/],
    // this message only
    [40003, 'oa', 'api', 'never', 'message', /not a follower/],
    [43004, 'oa', 'api', 'never', 'message', /must follow/],
    [45015, 'oa', 'api', 'never', 'message', /48 h/],
    [45047, 'oa', 'api', 'never', 'message', /quota of this window/],
    [47003, 'oa', 'api', 'never', 'message', /template argument/],
    [81013, 'wecom', 'api', 'never', 'message', /every recipient/],
    [99999, 'oa', 'api', 'never', 'message', undefined],
  ])('errcode %i from %s on a %s call: retry %s, scope %s', (errcode, product, operation, retry, scope, hint) => {
    const rule = classifyErrcode(errcode, { product, operation, errmsg: 'whatever rid: 0' });
    expect(rule.retry).toBe(retry);
    expect(rule.scope).toBe(scope);
    if (hint) expect(rule.hint).toMatch(hint);
    else expect(rule.hint).toBeUndefined();
  });

  it('names the IP to whitelist from an OA 40164 errmsg', () => {
    const rule = classifyErrcode(40164, { product: 'oa', operation: 'token', errmsg: OA_IP_ERRMSG });
    expect(rule).toEqual({ retry: 'never', scope: 'account', hint: expect.stringMatching(/^add 203\.0\.113\.7 to the account's API IP whitelist/) });
  });

  it("names the IP to trust from a WeCom 60020 errmsg", () => {
    const rule = classifyErrcode(60020, { product: 'wecom', operation: 'token', errmsg: WECOM_IP_ERRMSG });
    expect(rule.hint).toMatch(/^add 198\.51\.100\.23 to the WeCom app's trusted IP list/);
  });

  it("falls back to the gateway's egress IP when the errmsg names none", () => {
    expect(classifyErrcode(40164, { product: 'oa', operation: 'token', errmsg: 'not in whitelist' }).hint).toMatch(/^add the gateway's egress IP/);
  });

  it('reads the caller IP in either product format, and nothing from other text', () => {
    expect(callerIpIn(OA_IP_ERRMSG)).toBe('203.0.113.7');
    expect(callerIpIn(WECOM_IP_ERRMSG)).toBe('198.51.100.23');
    expect(callerIpIn('system error rid: 1')).toBeUndefined();
  });
});
