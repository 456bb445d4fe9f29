import { findLeaks } from '../../test/log-capture';
import { ACCOUNT, formFields, OTHER_ACCOUNT, startPageHarness, type Browser, type PageHarness } from './__tests__/page-harness';
import { openSession, SESSION_COOKIE } from './page-session';

const OPENID = 'oPageUser00000000000000000001';
const OPENID_B = 'oPageUser00000000000000000002';
const UNIONID = 'uPageUnion0000000000000000001';

let h: PageHarness;
beforeEach(async () => {
  h = await startPageHarness();
});
afterEach(async () => {
  await h.close();
});

/** A browser with an open page session, on the consent page: its HTML and form fields. */
async function onConsentPage(openid = OPENID, lang?: 'en' | 'zh-CN'): Promise<{ browser: Browser; html: string; token: string; lang: string }> {
  const browser = h.browser();
  await browser.login(openid, 'consent', { unionid: UNIONID });
  const page = await browser.fetch(`/p/${ACCOUNT.id}/consent${lang ? `?lang=${lang}` : ''}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  return { browser, html, ...formFields(html) };
}

function post(browser: Browser, fields: Record<string, string>, headers: Record<string, string> = { origin: h.url }, path = `/p/${ACCOUNT.id}/consent`): Promise<Response> {
  return browser.fetch(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });
}

function expectNothingRecorded(): void {
  expect(h.ledger.records).toHaveLength(0);
  expect(h.bindings.binds).toHaveLength(0);
}

function lastRejection(): Record<string, unknown> {
  const rejected = h.audit.of('page.rejected');
  expect(rejected.length).toBeGreaterThan(0);
  return rejected[rejected.length - 1]!.details!;
}

describe('GET /p/:account/consent', () => {
  it("sends a browser without a page session to Tencent's authorize URL with the exact redirect_uri and a consent state", async () => {
    const response = await h.browser().fetch(`/p/${ACCOUNT.id}/consent?lang=en`);
    expect(response.status).toBe(302);
    const location = response.headers.get('location')!;
    const state = h.states.latest('consent')!;
    expect(location).toBe(
      `https://open.weixin.qq.com/connect/oauth2/authorize?appid=${ACCOUNT.appId}&redirect_uri=${encodeURIComponent(`${h.url}/p/${ACCOUNT.id}/oauth`)}&response_type=code&scope=snsapi_base&state=${state.state}#wechat_redirect`,
    );
    expect(state.data).toEqual({ flow: 'consent', lang: 'en' });
  });

  it('opens an HttpOnly, SameSite=Lax, account-scoped session cookie after OAuth that does not show the openid', async () => {
    const browser = h.browser();
    const start = await browser.fetch(`/p/${ACCOUNT.id}/consent`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const back = await browser.fetch(`/p/${ACCOUNT.id}/oauth?code=${h.oauth.codeFor(OPENID, { unionid: UNIONID })}&state=${state}`);
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe(`/p/${ACCOUNT.id}/consent?lang=zh-CN`);
    const [cookie] = back.headers.getSetCookie();
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]+; Path=/p/${ACCOUNT.id}/; Max-Age=900; HttpOnly; SameSite=Lax$`));
    const value = browser.cookies.get(SESSION_COOKIE)!;
    expect(value).not.toContain(OPENID);
    expect(Buffer.from(value, 'base64url').toString('latin1')).not.toContain(OPENID);
    expect(openSession(h.deps.sessionKey, ACCOUNT.id, value, h.clock.now)).toMatchObject({ openid: OPENID, unionid: UNIONID, accountId: ACCOUNT.id });
    expect(openSession(h.deps.sessionKey, OTHER_ACCOUNT.id, value, h.clock.now)).toBeNull();
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    await h.close();
    h = await startPageHarness({ publicBaseUrl: 'https://wx.bank.example/cgw' });
    const browser = h.browser();
    const start = await browser.fetch(`/p/${ACCOUNT.id}/consent`);
    expect(new URL(start.headers.get('location')!).searchParams.get('redirect_uri')).toBe(`https://wx.bank.example/cgw/p/${ACCOUNT.id}/oauth`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const back = await browser.fetch(`/p/${ACCOUNT.id}/oauth?code=${h.oauth.codeFor(OPENID)}&state=${state}`);
    expect(back.headers.getSetCookie()[0]).toMatch(/; Path=\/cgw\/p\/main-oa\/; Max-Age=900; HttpOnly; SameSite=Lax; Secure$/);
  });

  it('renders one unselected choice per purpose, in Chinese by default, behind a strict CSP with no script', async () => {
    const browser = h.browser();
    await browser.login(OPENID);
    const response = await browser.fetch(`/p/${ACCOUNT.id}/consent`);
    const html = await response.text();
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'none'; style-src 'nonce-[A-Za-z0-9+/=]+'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('name="viewport"');
    expect(html).not.toMatch(/<script|<link|src="http|url\(/i);
    expect(html).toContain(`<style nonce="${/'nonce-([^']+)'/.exec(csp)![1]}">`);
    for (const notice of h.notices.list('zh-CN')) {
      expect(html).toContain(notice.title);
      expect(html).toContain(notice.text);
      expect(html).toContain(`name="choice.${notice.purpose}" value="grant">`);
      expect(html).toContain(`name="choice.${notice.purpose}" value="withdraw">`);
    }
    expect(html).not.toMatch(/ checked>/);
    expect(html).toContain('当前：尚未选择');
    expect(html).toContain('hreflang="en"');
  });

  it('speaks English from ?lang=en or Accept-Language, and Chinese for zh-TW or nothing known', async () => {
    const { html } = await onConsentPage(OPENID, 'en');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Conversation archiving');
    const browser = h.browser();
    await browser.login(OPENID_B);
    const en = await (await browser.fetch(`/p/${ACCOUNT.id}/consent`, { headers: { 'accept-language': 'en-US,en;q=0.9,zh-CN;q=0.5' } })).text();
    expect(en).toContain('<html lang="en">');
    const zh = await (await browser.fetch(`/p/${ACCOUNT.id}/consent`, { headers: { 'accept-language': 'fr-FR, zh-TW;q=0.8' } })).text();
    expect(zh).toContain('<html lang="zh-CN">');
  });

  it('shows granted and withdrawn choices preselected and asks to confirm a grant under an older notice', async () => {
    const person = { kind: 'openid' as const, id: OPENID, accountId: ACCOUNT.id };
    await h.ledger.seed(person, 'archiving', 'grant', h.notices.get('archiving', 'zh-CN')!.version, h.clock.now - 86_400_000);
    await h.ledger.seed(person, 'marketing', 'withdraw', h.notices.get('marketing', 'zh-CN')!.version, h.clock.now - 3_600_000);
    await h.ledger.seed(person, 'cross_border', 'grant', 'f'.repeat(64), h.clock.now - 3_600_000);
    const { html } = await onConsentPage();
    expect(html).toContain('name="choice.archiving" value="grant" checked>');
    expect(html).toContain('name="choice.marketing" value="withdraw" checked>');
    expect(html).not.toMatch(/name="choice\.cross_border" value="[a-z]+" checked/);
    expect(html).toContain('您曾按旧版说明同意，说明已更新，请重新确认');
    expect(html).toContain('2025/01/14');
  });

  it('answers an unknown account with a localized 404 page and an audit line', async () => {
    const response = await h.browser().fetch('/p/no-such-oa/consent?lang=en');
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain('There is no such Official Account page.');
    expect(html).toContain('data-error-code="account.unknown"');
    expect(lastRejection()).toMatchObject({ code: 'account.unknown', status: 404 });
  });

  it('answers problem+json to a client that does not want HTML', async () => {
    const response = await h.browser().fetch('/p/no-such-oa/consent', { headers: { accept: 'application/json' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ type: 'https://cgw.dev/problems/page/account-unknown', status: 404, code: 'account.unknown' });
    expect(body.instance).toBe(`urn:uuid:${response.headers.get('x-cgw-error-id')}`);
  });

  it('leaves paths it does not serve under /p/ as a 404 page, and other paths to the rest of the app', async () => {
    expect((await h.browser().fetch(`/p/${ACCOUNT.id}/nothing`)).status).toBe(404);
    const wrongMethod = await h.browser().fetch(`/p/${ACCOUNT.id}/oauth`, { method: 'POST' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
    expect((await h.browser().fetch('/healthz')).status).toBe(418);
  });
});

describe('GET /p/:account/oauth (bad input)', () => {
  async function consentState(browser: Browser): Promise<string> {
    const start = await browser.fetch(`/p/${ACCOUNT.id}/consent`);
    return new URL(start.headers.get('location')!).searchParams.get('state')!;
  }

  it('refuses a reused state with 400 and opens no second session', async () => {
    const browser = h.browser();
    const state = await consentState(browser);
    expect((await browser.fetch(`/p/${ACCOUNT.id}/oauth?code=${h.oauth.codeFor(OPENID)}&state=${state}`)).status).toBe(302);
    const attacker = h.browser();
    const replay = await attacker.fetch(`/p/${ACCOUNT.id}/oauth?code=${h.oauth.codeFor(OPENID_B)}&state=${state}`);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('链接已过期或已被使用');
    expect(attacker.cookies.size).toBe(0);
    expect(lastRejection()).toMatchObject({ code: 'oauth.state_invalid' });
  });

  it('refuses an expired state, a forged state and a state of another account', async () => {
    const browser = h.browser();
    const state = await consentState(browser);
    h.clock.now += 601_000;
    expect((await browser.fetch(`/p/${ACCOUNT.id}/oauth?code=${h.oauth.codeFor(OPENID)}&state=${state}`)).status).toBe(400);
    expect((await browser.fetch(`/p/${ACCOUNT.id}/oauth?code=${h.oauth.codeFor(OPENID)}&state=${'A'.repeat(43)}`)).status).toBe(400);
    const fresh = await consentState(browser);
    expect((await browser.fetch(`/p/${OTHER_ACCOUNT.id}/oauth?code=${h.oauth.codeFor(OPENID)}&state=${fresh}`)).status).toBe(400);
    expect(browser.cookies.size).toBe(0);
    expect(h.oauth.exchanged).toHaveLength(0);
  });

  it.each([
    ['no code', (state: string) => `state=${state}`],
    ['no state', () => 'code=abc'],
    ['a state with symbols', () => 'code=abc&state=a-b'],
  ])('refuses %s as malformed', async (_name, query) => {
    const browser = h.browser();
    const state = await consentState(browser);
    const response = await browser.fetch(`/p/${ACCOUNT.id}/oauth?${query(state)}`);
    expect(response.status).toBe(400);
    expect(lastRejection()).toMatchObject({ code: 'request.malformed' });
  });

  it.each([
    ['used', 'oauth.code_rejected', 400],
    ['expired', 'oauth.code_rejected', 400],
    ['down', 'upstream.unavailable', 503],
  ] as const)('answers a %s code with %s', async (fail, code, status) => {
    const browser = h.browser();
    const state = await consentState(browser);
    const response = await browser.fetch(`/p/${ACCOUNT.id}/oauth?code=${h.oauth.failingCode(fail)}&state=${state}`);
    expect(response.status).toBe(status);
    expect(browser.cookies.size).toBe(0);
    expect(lastRejection()).toMatchObject({ code });
  });

  it('refuses a snapshot-page virtual user', async () => {
    const browser = h.browser();
    const state = await consentState(browser);
    const response = await browser.fetch(`/p/${ACCOUNT.id}/oauth?code=${h.oauth.codeFor(OPENID, { snapshotUser: true })}&state=${state}`);
    expect(response.status).toBe(403);
    expect(browser.cookies.size).toBe(0);
  });
});

describe('POST /p/:account/consent', () => {
  it("records each answered purpose with channel oa_page, source user, the notice versions shown, and shows what is now granted", async () => {
    const { browser, token, lang } = await onConsentPage();
    const response = await post(browser, { token, lang, 'choice.archiving': 'grant', 'choice.marketing': 'withdraw' });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('已保存您的选择');
    expect(html).toMatch(/data-purpose="archiving" data-state="granted"/);
    expect(html).toMatch(/data-purpose="marketing" data-state="withdrawn"/);
    expect(html).toMatch(/data-purpose="cross_border" data-state="missing"/);
    expect(h.ledger.records).toHaveLength(1);
    const [record] = h.ledger.records;
    expect(record).toMatchObject({
      person: { kind: 'openid', id: OPENID, accountId: ACCOUNT.id },
      channel: 'oa_page',
      source: 'user',
      occurredAt: h.clock.now,
      changes: [
        { purpose: 'archiving', action: 'grant', noticeVersion: h.notices.get('archiving', 'zh-CN')!.version, language: 'zh-CN' },
        { purpose: 'marketing', action: 'withdraw', noticeVersion: h.notices.get('marketing', 'zh-CN')!.version, language: 'zh-CN' },
      ],
    });
    const evidence = record!.evidence as { payload: Record<string, unknown>; dedupeKey: string };
    expect(evidence.payload).toMatchObject({ choices: { archiving: 'grant', marketing: 'withdraw' }, language: 'zh-CN', changed: ['archiving', 'marketing'] });
    expect(evidence.dedupeKey).toMatch(/^consent-page:[0-9a-f]{64}$/);
    const [audit] = h.audit.of('consent.page_submitted');
    expect(audit).toMatchObject({ target: ACCOUNT.id, outcome: 'success', details: { evidenceRecordId: 'rec-1', granted: ['archiving'], withdrawn: ['marketing'], subjectIndex: h.deps.subjectIndex(OPENID) } });
    expect(JSON.stringify(h.audit.events)).not.toContain(OPENID);
  });

  it('withdraws a granted purpose on the same page, and records an unchanged choice as a confirmation', async () => {
    const first = await onConsentPage();
    await post(first.browser, { token: first.token, lang: first.lang, 'choice.archiving': 'grant', 'choice.marketing': 'grant' });
    const again = await first.browser.fetch(`/p/${ACCOUNT.id}/consent`);
    const html = await again.text();
    expect(html).toContain('name="choice.marketing" value="grant" checked>');
    expect(html).toContain('选择“不同意”即撤回此项同意。');
    const { token, lang } = formFields(html);
    const response = await post(first.browser, { token, lang, 'choice.archiving': 'grant', 'choice.marketing': 'withdraw' });
    const confirmation = await response.text();
    expect(confirmation).toMatch(/data-purpose="marketing" data-state="withdrawn"/);
    expect(confirmation).toContain('（与之前相同，已确认）');
    expect(h.ledger.records[1]!.changes.map((c) => [c.purpose, c.action])).toEqual([['archiving', 'grant'], ['marketing', 'withdraw']]);
    expect((h.ledger.records[1]!.evidence as { payload: Record<string, unknown> }).payload.changed).toEqual(['marketing']);
    expect((await h.ledger.current({ kind: 'openid', id: OPENID, accountId: ACCOUNT.id })).purposes.marketing.state).toBe('withdrawn');
  });

  it('records in English when the form was English', async () => {
    const { browser, token, lang } = await onConsentPage(OPENID, 'en');
    const response = await post(browser, { token, lang, 'choice.cross_border': 'grant' });
    expect(await response.text()).toContain('Your choices are saved');
    expect(h.ledger.records[0]!.changes).toEqual([{ purpose: 'cross_border', action: 'grant', noticeVersion: h.notices.get('cross_border', 'en')!.version, language: 'en' }]);
  });

  it('refuses a replayed form with 403 and records it only once', async () => {
    const { browser, token, lang } = await onConsentPage();
    expect((await post(browser, { token, lang, 'choice.archiving': 'grant' })).status).toBe(200);
    const replay = await post(browser, { token, lang, 'choice.archiving': 'withdraw' });
    expect(replay.status).toBe(403);
    expect(await replay.text()).toContain('该表单已提交过、已过期或无效');
    expect(h.ledger.records).toHaveLength(1);
    expect(lastRejection()).toMatchObject({ code: 'form.token_invalid', problem: 'unknown_or_used' });
  });

  it("refuses another session's form token (a forged submission for someone else)", async () => {
    const victim = await onConsentPage(OPENID);
    const attacker = await onConsentPage(OPENID_B);
    const response = await post(attacker.browser, { token: victim.token, lang: 'zh-CN', 'choice.marketing': 'grant' });
    expect(response.status).toBe(403);
    expect(lastRejection()).toMatchObject({ code: 'form.token_invalid', problem: 'other_session' });
    expectNothingRecorded();
  });

  it('refuses a forged token, an expired form and an expired session', async () => {
    const { browser, token, lang } = await onConsentPage();
    expect((await post(browser, { token: 'A'.repeat(43), lang, 'choice.marketing': 'grant' })).status).toBe(403);
    h.clock.now += 901_000;
    const expired = await post(browser, { token, lang, 'choice.marketing': 'grant' });
    expect(expired.status).toBe(401);
    expect(lastRejection()).toMatchObject({ code: 'session.missing' });
    expectNothingRecorded();
  });

  it.each([
    ['no Origin and no Referer', {}, 'no_origin'],
    ['a foreign Origin', { origin: 'https://evil.example' }, 'foreign_origin'],
    ['an opaque Origin', { origin: 'null' }, 'opaque_origin'],
    ['a foreign Referer', { referer: 'https://evil.example/page' }, 'foreign_referer'],
  ])('refuses a submission with %s as CSRF (403), spending nothing', async (_name, headers, problem) => {
    const { browser, token, lang } = await onConsentPage();
    const response = await post(browser, { token, lang, 'choice.marketing': 'grant' }, headers as Record<string, string>);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('请求来源无效');
    expect(lastRejection()).toMatchObject({ code: 'csrf.origin', problem });
    expectNothingRecorded();
    // The token was not spent by the refused request.
    expect((await post(browser, { token, lang, 'choice.marketing': 'grant' })).status).toBe(200);
  });

  it('accepts a same-origin Referer when a browser sends no Origin', async () => {
    const { browser, token, lang } = await onConsentPage();
    expect((await post(browser, { token, lang, 'choice.marketing': 'grant' }, { referer: `${h.url}/p/${ACCOUNT.id}/consent` })).status).toBe(200);
  });

  it('refuses a submission without a page session (401)', async () => {
    const { token, lang } = await onConsentPage();
    const stranger = h.browser();
    expect((await post(stranger, { token, lang, 'choice.marketing': 'grant' })).status).toBe(401);
    expectNothingRecorded();
  });

  it('refuses a session cookie of another account and an altered cookie', async () => {
    const { browser, token, lang } = await onConsentPage();
    expect((await post(browser, { token, lang, 'choice.marketing': 'grant' }, { origin: h.url }, `/p/${OTHER_ACCOUNT.id}/consent`)).status).toBe(401);
    const value = browser.cookies.get(SESSION_COOKIE)!;
    const bytes = Buffer.from(value, 'base64url');
    bytes[20] = bytes[20]! ^ 1;
    browser.cookies.set(SESSION_COOKIE, bytes.toString('base64url'));
    expect((await post(browser, { token, lang, 'choice.marketing': 'grant' })).status).toBe(401);
    expectNothingRecorded();
  });

  it.each([
    ['an openid field (an id the OAuth exchange did not give)', { openid: 'oAttacker000000000000000000000' }, 400, 'request.malformed'],
    ['a purpose that is not offered', { 'choice.sensitive': 'grant' }, 400, 'request.malformed'],
    ['a choice value that is not grant/withdraw', { 'choice.marketing': 'yes' }, 400, 'request.malformed'],
    ['no choice at all', {}, 400, 'form.no_choice'],
  ])('refuses a form with %s, recording nothing', async (_name, extra, status, code) => {
    const { browser, token, lang } = await onConsentPage();
    const fields: Record<string, string> = { token, lang, ...extra };
    if (!('choice.marketing' in extra) && Object.keys(extra).length > 0) fields['choice.archiving'] = 'grant';
    const response = await post(browser, fields);
    expect(response.status).toBe(status);
    expect(lastRejection()).toMatchObject({ code });
    expectNothingRecorded();
  });

  it('refuses a repeated field, a JSON body and an oversized body', async () => {
    const { browser, token, lang } = await onConsentPage();
    const repeated = await browser.fetch(`/p/${ACCOUNT.id}/consent`, { method: 'POST', headers: { origin: h.url, 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${token}&lang=${lang}&choice.marketing=grant&choice.marketing=withdraw` });
    expect(repeated.status).toBe(400);
    const json = await browser.fetch(`/p/${ACCOUNT.id}/consent`, { method: 'POST', headers: { origin: h.url, 'content-type': 'application/json' }, body: JSON.stringify({ token, lang }) });
    expect(json.status).toBe(415);
    const big = await post(browser, { token, lang, 'choice.marketing': 'grant', pad: 'x'.repeat(20_000) });
    expect(big.status).toBe(413);
    expectNothingRecorded();
  });

  it('refuses a submission whose notice changed while the form was open (409)', async () => {
    const { browser, token, lang } = await onConsentPage();
    h.notices.texts.set('marketing|zh-CN', { title: '营销信息', text: '新的营销说明文本。' });
    const response = await post(browser, { token, lang, 'choice.marketing': 'grant' });
    expect(response.status).toBe(409);
    expectNothingRecorded();
  });

  it('answers a ledger failure with a generic 500 page, no detail', async () => {
    const { browser, token, lang } = await onConsentPage();
    h.ledger.failNext = new Error(`database down for ${OPENID}`);
    const response = await post(browser, { token, lang, 'choice.marketing': 'grant' });
    expect(response.status).toBe(500);
    const html = await response.text();
    expect(html).toContain('系统繁忙');
    expect(html).not.toContain('database down');
  });

  it('never logs or audits the openid, unionid, AppSecret or form token', async () => {
    const { browser, token, lang } = await onConsentPage();
    await post(browser, { token, lang, 'choice.marketing': 'grant' });
    await post(browser, { token, lang, 'choice.marketing': 'grant' });
    await post(browser, { token, lang, openid: OPENID_B }, { origin: 'https://evil.example' });
    const planted = [
      { name: 'openid', value: OPENID, window: 12 },
      { name: 'other openid', value: OPENID_B, window: 12 },
      { name: 'unionid', value: UNIONID, window: 12 },
      { name: 'appSecret', value: ACCOUNT.appSecret, window: 12 },
      { name: 'form token', value: token, window: 12 },
    ];
    expect(h.logLines.length).toBeGreaterThan(0);
    expect(findLeaks(h.logLines, planted)).toEqual([]);
    expect(findLeaks(h.audit.events.map((e) => JSON.stringify(e)), planted)).toEqual([]);
  });
});
