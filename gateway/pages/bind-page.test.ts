import { generateKeyPair, SignJWT } from 'jose';
import { findLeaks } from '../../test/log-capture';
import { ACCOUNT, BANK_LOGIN, ISSUER, startPageHarness, type Browser, type PageHarness } from './__tests__/page-harness';
import { maskCustomerId } from './bind-page';

const OPENID = 'oBindUser00000000000000000001';
const OPENID_B = 'oBindUser00000000000000000002';
const UNIONID = 'uBindUnion0000000000000000001';
const CIF = 'CIF-0098765432';

let h: PageHarness;
beforeEach(async () => {
  h = await startPageHarness();
});
afterEach(async () => {
  await h.close();
});

/** Through OAuth to the bank's login page: the bank-login state the browser carries. */
async function atBankLogin(openid = OPENID, lang = 'zh-CN'): Promise<{ browser: Browser; state: string; redirectUri: string }> {
  const browser = h.browser();
  const next = await browser.login(openid, 'bind', { unionid: UNIONID });
  expect(next).toBe(`/p/${ACCOUNT.id}/bind?lang=zh-CN`);
  const toBank = await browser.fetch(`${next.replace('zh-CN', lang)}`);
  expect(toBank.status).toBe(302);
  const location = new URL(toBank.headers.get('location')!);
  expect(location.origin + location.pathname).toBe(BANK_LOGIN);
  return { browser, state: location.searchParams.get('state')!, redirectUri: location.searchParams.get('redirect_uri')! };
}

function complete(browser: Browser, state: string, assertion: string): Promise<Response> {
  return browser.fetch(`/p/${ACCOUNT.id}/bind/complete?state=${state}&assertion=${assertion}`);
}

function lastRejection(): Record<string, unknown> {
  const rejected = h.audit.of('page.rejected');
  expect(rejected.length).toBeGreaterThan(0);
  return rejected[rejected.length - 1]!.details!;
}

describe('the bind page', () => {
  it("goes through OAuth to the bank's login page with a single-use state and the completion URL", async () => {
    const { state, redirectUri } = await atBankLogin();
    expect(redirectUri).toBe(`${h.url}/p/${ACCOUNT.id}/bind/complete`);
    const stored = h.states.states.get(state)!;
    expect(stored).toMatchObject({ flow: 'bind-login', accountId: ACCOUNT.id, data: { openid: OPENID, unionid: UNIONID, lang: 'zh-CN' } });
  });

  it('binds the openid and unionid to the customer named by a valid assertion (GET back) and shows the id masked', async () => {
    const { browser, state } = await atBankLogin();
    const response = await complete(browser, state, await h.sign({ state, cif: CIF, jti: 'j-1' }));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('绑定成功');
    expect(html).toContain(maskCustomerId(CIF));
    expect(html).not.toContain(CIF);
    expect(html).not.toContain('98765432');
    expect(h.bindings.binds).toHaveLength(1);
    const [bound] = h.bindings.binds;
    expect(bound).toMatchObject({
      persons: [{ kind: 'openid', id: OPENID, accountId: ACCOUNT.id }, { kind: 'unionid', id: UNIONID, accountId: ACCOUNT.id }],
      customerId: CIF,
      source: 'bind_page',
      occurredAt: h.clock.now,
      evidence: { dedupeKey: `bind-page:jti:${ISSUER}:j-1`, payload: { jti: 'j-1', claims: { cif: CIF, state, iss: ISSUER } } },
    });
    const [audit] = h.audit.of('binding.page_bound');
    expect(audit!.details).toMatchObject({ customerIndex: h.deps.customerIndex(CIF), subjectIndex: h.deps.subjectIndex(OPENID), ids: ['openid', 'unionid'] });
    expect(JSON.stringify(h.audit.events)).not.toMatch(new RegExp(`${CIF}|${OPENID}|${UNIONID}`));
  });

  it("accepts the bank's form POST back from the bank's origin, and keys evidence by state when there is no jti", async () => {
    const { browser, state } = await atBankLogin();
    const assertion = await h.sign({ state, cif: CIF });
    const response = await browser.fetch(`/p/${ACCOUNT.id}/bind/complete`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(BANK_LOGIN).origin }, body: new URLSearchParams({ state, assertion }).toString(),
    });
    expect(response.status).toBe(200);
    expect((h.bindings.binds[0]!.evidence as { dedupeKey: string }).dedupeKey).toMatch(/^bind-page:state:[0-9a-f]{64}$/);
  });

  it('is off (404) when no bank login is configured', async () => {
    await h.close();
    h = await startPageHarness({ bind: null });
    const response = await h.browser().fetch(`/p/${ACCOUNT.id}/bind`);
    expect(response.status).toBe(404);
    expect(lastRejection()).toMatchObject({ code: 'bind.disabled' });
  });

  it('masks customer ids whatever their length', () => {
    expect(maskCustomerId('CIF-0098765432')).toBe('**********5432');
    expect(maskCustomerId('123456')).toBe('****56');
    expect(maskCustomerId('1234')).toBe('****');
    expect(maskCustomerId('客户编号一二三四五')).toBe('*****二三四五');
  });
});

describe('the bind page refuses (nothing bound, an audit line)', () => {
  afterEach(() => {
    expect(h.bindings.binds).toHaveLength(0);
  });

  type Variant = [string, (state: string) => Promise<string>, string];
  const variants: Variant[] = [
    ['a signature by another key', async (state) => h.sign({ state, cif: CIF }, { key: (await generateKeyPair('ES256')).privateKey }), 'signature'],
    ['the wrong audience', (state) => h.sign({ state, cif: CIF, aud: 'someone-else' }), 'audience'],
    ['the wrong issuer', (state) => h.sign({ state, cif: CIF, iss: 'https://evil.example' }), 'issuer'],
    ['a past expiry', (state) => h.sign({ state, cif: CIF }, { iat: Math.floor(h.clock.now / 1000) - 200, exp: Math.floor(h.clock.now / 1000) - 60 }), 'expired'],
    ['an iat older than maxAgeSeconds', (state) => h.sign({ state, cif: CIF }, { iat: Math.floor(h.clock.now / 1000) - 400, exp: Math.floor(h.clock.now / 1000) + 60 }), 'too_old'],
    ['a lifetime over maxAgeSeconds', (state) => h.sign({ state, cif: CIF }, { exp: Math.floor(h.clock.now / 1000) + 3600 }), 'lifetime'],
    ['an iat in the future', (state) => h.sign({ state, cif: CIF }, { iat: Math.floor(h.clock.now / 1000) + 120, exp: Math.floor(h.clock.now / 1000) + 200 }), 'issued_in_future'],
    ["another trip's state claim", (state) => h.sign({ state: `${state}x`, cif: CIF }), 'state'],
    ['no state claim', () => h.sign({ cif: CIF }), 'claim_missing'],
    ['an openid claim of someone else', (state) => h.sign({ state, cif: CIF, openid: OPENID_B }), 'openid'],
    ['no customer claim', (state) => h.sign({ state }), 'claim_missing'],
    ['a customer id with spaces', (state) => h.sign({ state, cif: 'CIF 1; DROP' }), 'customer_id'],
    ['an algorithm outside the allowlist', async (state) => {
      const { privateKey } = await generateKeyPair('ES384');
      return new SignJWT({ state, cif: CIF }).setProtectedHeader({ alg: 'ES384' }).setIssuer(ISSUER).setAudience('cgw-bind').setIssuedAt(Math.floor(h.clock.now / 1000)).setExpirationTime(Math.floor(h.clock.now / 1000) + 60).sign(privateKey);
    }, 'algorithm'],
    ['an unsigned (alg none) token', async (state) => {
      const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
      return `${b64({ alg: 'none' })}.${b64({ state, cif: CIF, iss: ISSUER, aud: 'cgw-bind', iat: Math.floor(h.clock.now / 1000), exp: Math.floor(h.clock.now / 1000) + 60 })}.`;
    }, 'malformed'],
    ['garbage', async () => 'not-a-jwt', 'malformed'],
  ];

  it.each(variants)('an assertion with %s (403 assertion.invalid), and the state stays usable', async (_name, make, problem) => {
    const { browser, state } = await atBankLogin();
    const response = await complete(browser, state, await make(state));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('银行身份验证结果无效');
    expect(lastRejection()).toMatchObject({ code: 'assertion.invalid', problem });
    expect(h.states.states.get(state)!.used).toBe(false);
  });

  it('a replayed assertion after a successful bind (400 bind.state_invalid)', async () => {
    const { browser, state } = await atBankLogin();
    const assertion = await h.sign({ state, cif: CIF, jti: 'j-2' });
    expect((await complete(browser, state, assertion)).status).toBe(200);
    h.bindings.binds.length = 0;
    const replay = await complete(browser, state, assertion);
    expect(replay.status).toBe(400);
    expect(lastRejection()).toMatchObject({ code: 'bind.state_invalid' });
  });

  it('an expired bank-login state (400)', async () => {
    const { browser, state } = await atBankLogin();
    h.clock.now += 800_000;
    const response = await complete(browser, state, await h.sign({ state, cif: CIF }));
    expect(response.status).toBe(400);
    expect(lastRejection()).toMatchObject({ code: 'bind.state_invalid' });
  });

  it("a victim's browser completing the attacker's trip (login CSRF): 403 bind.session_mismatch", async () => {
    const attacker = await atBankLogin(OPENID_B);
    const victim = await atBankLogin(OPENID);
    // The bank signs the victim's customer id for the state the attacker lured them with.
    const response = await complete(victim.browser, attacker.state, await h.sign({ state: attacker.state, cif: CIF }));
    expect(response.status).toBe(403);
    expect(lastRejection()).toMatchObject({ code: 'bind.session_mismatch' });
  });

  it('an openid the store knows on another Official Account (409 binding.conflict)', async () => {
    const { browser, state } = await atBankLogin();
    const conflict = Object.assign(new Error('the openid belongs to another Official Account'), { name: 'BindingConflictError' });
    jest.spyOn(h.bindings, 'bind').mockRejectedValueOnce(conflict);
    const response = await complete(browser, state, await h.sign({ state, cif: CIF }));
    expect(response.status).toBe(409);
    expect(await response.text()).toContain('该微信身份属于其他公众号');
    expect(lastRejection()).toMatchObject({ code: 'binding.conflict' });
  });

  it('a completion without the page session (another browser): 401', async () => {
    const { state } = await atBankLogin();
    const response = await complete(h.browser(), state, await h.sign({ state, cif: CIF }));
    expect(response.status).toBe(401);
  });

  it('a POST back from a foreign origin: 403 csrf.origin', async () => {
    const { browser, state } = await atBankLogin();
    const response = await browser.fetch(`/p/${ACCOUNT.id}/bind/complete`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, body: new URLSearchParams({ state, assertion: await h.sign({ state, cif: CIF }) }).toString(),
    });
    expect(response.status).toBe(403);
    expect(lastRejection()).toMatchObject({ code: 'csrf.origin' });
  });

  it('missing state or assertion (400), an oversized assertion (413), problem+json for API clients', async () => {
    const { browser, state } = await atBankLogin();
    expect((await browser.fetch(`/p/${ACCOUNT.id}/bind/complete?state=${state}`)).status).toBe(400);
    expect((await browser.fetch(`/p/${ACCOUNT.id}/bind/complete?assertion=a.b.c`)).status).toBe(400);
    expect((await complete(browser, state, 'a'.repeat(9000))).status).toBe(413);
    const json = await browser.fetch(`/p/${ACCOUNT.id}/bind/complete?state=${state}&assertion=x.y.z`, { headers: { accept: 'application/problem+json, application/json' } });
    expect(json.headers.get('content-type')).toBe('application/problem+json');
    expect(await json.json()).toMatchObject({ status: 403, code: 'assertion.invalid', type: 'https://cgw.dev/problems/page/assertion-invalid' });
  });

  it('a snapshot-page virtual user (403) before any bank login', async () => {
    const browser = h.browser();
    const start = await browser.fetch(`/p/${ACCOUNT.id}/bind`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const response = await browser.fetch(`/p/${ACCOUNT.id}/oauth?code=${h.oauth.codeFor(OPENID, { snapshotUser: true })}&state=${state}`);
    expect(response.status).toBe(403);
    expect(h.states.latest('bind-login')).toBeUndefined();
  });

  it('never logs or audits the customer id, the openid or the assertion', async () => {
    const { browser, state } = await atBankLogin();
    const bad = await h.sign({ state, cif: CIF, aud: 'x' });
    await complete(browser, state, bad);
    const good = await h.sign({ state, cif: CIF });
    await complete(browser, state, good);
    h.bindings.binds.length = 0;
    const planted = [
      { name: 'customer id', value: CIF, window: 10 },
      { name: 'openid', value: OPENID, window: 12 },
      { name: 'unionid', value: UNIONID, window: 12 },
      { name: 'bad assertion', value: bad.split('.')[2]!, window: 16 },
      { name: 'good assertion', value: good.split('.')[2]!, window: 16 },
    ];
    expect(findLeaks(h.logLines, planted)).toEqual([]);
    expect(findLeaks(h.audit.events.map((e) => JSON.stringify(e)), planted)).toEqual([]);
  });
});
