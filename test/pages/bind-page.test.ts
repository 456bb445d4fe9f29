/**
 * The bind page end to end in real Chromium: WeChat OAuth through the
 * simulator, the fake bank's login page, the bank's signed assertion (ES256,
 * verified against the bank's JWKS) coming back by GET or by form POST, and
 * the binding in the registry; a replayed completion and every kind of bad
 * assertion get the error page and bind nothing. Screenshots: test-artifacts/pages/.
 */
import { DATABASE_KINDS } from '../db';
import type { Tamper } from './fake-bank';
import { ACCOUNT_ID, startPagesHarness, type PagesHarness } from './pages-harness';
import { openPhone, requireChromium, type Phone } from './phone';

jest.setTimeout(180_000);

describe.each(DATABASE_KINDS)('the bind page in Chromium [%s]', (kind) => {
  let h: PagesHarness;
  const phones: Phone[] = [];
  const phone = async () => {
    const p = await openPhone('zh-CN');
    phones.push(p);
    return p;
  };

  beforeAll(async () => {
    requireChromium();
    h = await startPagesHarness(kind);
  });
  afterEach(async () => {
    h.bank.tamper = 'none';
    h.bank.returnWith = 'get';
    for (const p of phones.splice(0)) await p.close();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** From WeChat to the bank's login page, log in as `cif`; resolves with the response to the gateway's completion URL. */
  async function bindThrough(p: Phone, openid: string, cif: string, screenshotAs?: string) {
    const { page } = p;
    await page.goto(h.openInWechat(openid, `/p/${ACCOUNT_ID}/bind`));
    await page.locator('#bank-login').waitFor();
    expect(page.url().startsWith(h.bank.loginUrl)).toBe(true);
    if (screenshotAs) await p.screenshot(screenshotAs);
    await page.locator('input[name=cif]').fill(cif);
    await page.locator('input[name=password]').fill('secret-password');
    const completion = page.waitForResponse((r) => new URL(r.url()).pathname === `/p/${ACCOUNT_ID}/bind/complete`);
    if (h.bank.returnWith === 'post') {
      await page.locator('#bank-login').tap();
      await page.locator('#bank-continue').tap();
    } else {
      await page.locator('#bank-login').tap();
    }
    return completion;
  }

  it('binds the openid and unionid to the customer the bank asserts (GET back), showing the id masked', async () => {
    const openid = await h.follower();
    const p = await phone();
    const response = await bindThrough(p, openid, 'CIF-88001234', `bind-bank-login-${kind}`);
    expect(response.status()).toBe(200);
    await p.page.getByRole('heading', { name: '绑定成功' }).waitFor();
    const text = await p.page.locator('[data-testid=bound]').textContent();
    expect(text).toContain('********1234');
    expect(text).not.toContain('88001234');
    await p.screenshot(`bind-bound-${kind}`);

    expect(await h.gateway.consent.bindings.customerOf(h.person(openid))).toBe('CIF-88001234');
    const unionid = h.sim.unionid(h.account.appId, openid);
    expect(unionid).toBeDefined();
    expect(await h.gateway.consent.bindings.customerOf({ kind: 'unionid', id: unionid!, accountId: ACCOUNT_ID })).toBe('CIF-88001234');
    const history = await h.gateway.consent.bindings.history(h.person(openid));
    expect(history.at(-1)).toMatchObject({ action: 'bind', source: 'bind_page' });
    const audit = await h.gateway.audit.list({ type: 'binding.page_bound', order: 'desc', limit: 1 });
    expect(audit.items[0]).toMatchObject({ outcome: 'success', target: ACCOUNT_ID, details: { ids: ['openid', 'unionid'] } });
    expect(JSON.stringify(audit.items)).not.toMatch(/CIF-88001234|88001234/);
    expect(JSON.stringify(audit.items)).not.toContain(openid);
    expect(h.sim.oauthAuthorizations({ openid }).at(-1)).toMatchObject({ scope: 'snsapi_base', redirectUri: `${h.url}/p/${ACCOUNT_ID}/oauth` });

    // The same completion URL again (history, a shared link, a replay): the state is spent.
    const replay = await p.page.goto(response.url());
    expect(replay!.status()).toBe(400);
    expect(await p.page.locator('[data-error-code]').getAttribute('data-error-code')).toBe('bind.state_invalid');
    await p.screenshot(`bind-replayed-error-${kind}`);
    expect(await h.gateway.consent.bindings.history(h.person(openid))).toHaveLength(history.length);
  });

  it("binds when the bank comes back with a form POST from its own (same-site) origin", async () => {
    const openid = await h.follower();
    const p = await phone();
    h.bank.returnWith = 'post';
    const response = await bindThrough(p, openid, 'CIF-77005678');
    expect(response.request().method()).toBe('POST');
    expect(response.status()).toBe(200);
    await p.page.getByRole('heading', { name: '绑定成功' }).waitFor();
    expect(await h.gateway.consent.bindings.customerOf(h.person(openid))).toBe('CIF-77005678');
  });

  const TAMPERED: [Tamper, string][] = [
    ['other-key', 'signature'],
    ['wrong-audience', 'audience'],
    ['wrong-issuer', 'issuer'],
    ['expired', 'expired'],
    ['other-state', 'state'],
    ['too-long-lived', 'lifetime'],
  ];

  it.each(TAMPERED)('refuses an assertion tampered as %s with the error page (problem %s) and binds nothing', async (tamper, problem) => {
    const openid = await h.follower();
    const p = await phone();
    h.bank.tamper = tamper;
    const response = await bindThrough(p, openid, 'CIF-66009999');
    expect(response.status()).toBe(403);
    await p.page.getByRole('heading', { name: '无法完成操作' }).waitFor();
    expect(await p.page.locator('[data-error-code]').getAttribute('data-error-code')).toBe('assertion.invalid');
    expect(await p.page.textContent('body')).toContain('银行身份验证结果无效，未做任何绑定');
    await p.screenshot(`bind-refused-${tamper}-${kind}`);
    expect(await h.gateway.consent.bindings.customerOf(h.person(openid))).toBeNull();
    expect(await h.gateway.consent.bindings.history(h.person(openid))).toEqual([]);
    const rejected = await h.gateway.audit.list({ type: 'page.rejected', order: 'desc', limit: 1 });
    expect(rejected.items[0]).toMatchObject({ outcome: 'denied', target: ACCOUNT_ID, details: { code: 'assertion.invalid', problem } });
    expect(JSON.stringify(rejected.items)).not.toContain(h.bank.issued.at(-1)!.split('.')[2]!);
  });
});
