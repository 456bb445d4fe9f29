/**
 * The consent page end to end in real Chromium on a phone viewport: a
 * follower opens the page from WeChat, the simulator's OAuth names them, they
 * choose per purpose, and the ledger holds exactly that; they withdraw on the
 * same page in English; a replayed form and a cross-site post get the error
 * page and record nothing. Screenshots: test-artifacts/pages/.
 */
import type { Page } from 'playwright-core';
import { DATABASE_KINDS } from '../db';
import { ACCOUNT_ID, startPagesHarness, type PagesHarness } from './pages-harness';
import { openPhone, requireChromium, type Phone } from './phone';

jest.setTimeout(120_000);

const choose = (page: Page, purpose: string, action: 'grant' | 'withdraw') => page.locator(`fieldset[data-purpose="${purpose}"] label:has(input[value="${action}"])`).tap();

describe.each(DATABASE_KINDS)('the consent page in Chromium [%s]', (kind) => {
  let h: PagesHarness;
  const phones: Phone[] = [];
  const phone = async (locale: 'zh-CN' | 'en-US' = 'zh-CN') => {
    const p = await openPhone(locale);
    phones.push(p);
    return p;
  };

  beforeAll(async () => {
    requireChromium();
    h = await startPagesHarness(kind);
  });
  afterEach(async () => {
    for (const p of phones.splice(0)) await p.close();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('follow → consent page → simulator OAuth (snsapi_base) → a choice per purpose → the ledger holds exactly those choices', async () => {
    const openid = await h.follower();
    const { page, screenshot } = await phone('zh-CN');
    await page.goto(h.openInWechat(openid, `/p/${ACCOUNT_ID}/consent`));
    await page.getByRole('heading', { name: '个人信息处理授权' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/p/${ACCOUNT_ID}/consent`);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('fieldset[data-purpose]').count()).toBe(4);
    expect(await page.locator('input[type=radio]:checked').count()).toBe(0);
    // Tap targets a thumb can hit.
    const box = await page.locator('fieldset[data-purpose="marketing"] label').first().boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await screenshot(`consent-form-zh-CN-${kind}`);

    const [authorization] = h.sim.oauthAuthorizations({ appId: h.account.appId });
    expect(authorization).toMatchObject({ openid, scope: 'snsapi_base', redirectUri: `${h.url}/p/${ACCOUNT_ID}/oauth` });

    await choose(page, 'archiving', 'grant');
    await choose(page, 'marketing', 'withdraw');
    await choose(page, 'cross_border', 'grant');
    await page.getByRole('button', { name: '提交我的选择' }).tap();
    await page.getByRole('heading', { name: '已保存您的选择' }).waitFor();
    await screenshot(`consent-confirmed-zh-CN-${kind}`);

    const current = await h.gateway.consent.ledger.current(h.person(openid));
    expect(current.purposes.archiving.state).toBe('granted');
    expect(current.purposes.marketing.state).toBe('withdrawn');
    expect(current.purposes.cross_border.state).toBe('granted');
    expect(current.purposes.sensitive.state).toBe('missing');
    const history = await h.gateway.consent.ledger.history(h.person(openid));
    // One submission: its entries share a time and evidence, in no promised order.
    expect(history.map((e) => [e.purpose, e.action, e.channel, e.source, e.language]).sort()).toEqual([
      ['archiving', 'grant', 'oa_page', 'user', 'zh-CN'],
      ['cross_border', 'grant', 'oa_page', 'user', 'zh-CN'],
      ['marketing', 'withdraw', 'oa_page', 'user', 'zh-CN'],
    ]);
    expect(new Set(history.map((e) => e.evidenceRecordId)).size).toBe(1);
    const notices = h.gateway.consent.notices;
    expect(history.find((e) => e.purpose === 'archiving')!.noticeVersion).toBe(notices.get('archiving', 'zh-CN')!.version);
    const audit = await h.gateway.audit.list({ type: 'consent.page_submitted', order: 'asc', limit: 10 });
    expect(audit.items.at(-1)).toMatchObject({ outcome: 'success', target: ACCOUNT_ID, details: { granted: ['archiving', 'cross_border'], withdrawn: ['marketing'] } });
    expect(JSON.stringify(audit.items)).not.toContain(openid);
  });

  it('withdraws a granted purpose on the same page, in English from the browser language, with the state shown', async () => {
    const openid = await h.follower();
    const first = await phone('zh-CN');
    await first.page.goto(h.openInWechat(openid, `/p/${ACCOUNT_ID}/consent`));
    await choose(first.page, 'archiving', 'grant');
    await choose(first.page, 'marketing', 'grant');
    await first.page.getByRole('button', { name: '提交我的选择' }).tap();
    await first.page.getByRole('heading', { name: '已保存您的选择' }).waitFor();

    const { page, screenshot } = await phone('en-US');
    await page.goto(h.openInWechat(openid, `/p/${ACCOUNT_ID}/consent`));
    await page.getByRole('heading', { name: 'How we may use your personal information' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('fieldset[data-purpose="marketing"] input[value="grant"]').isChecked()).toBe(true);
    expect(await page.locator('[data-testid="state-marketing"]').textContent()).toMatch(/^Now: agreed · Since /);
    await screenshot(`consent-form-en-granted-${kind}`);
    await choose(page, 'marketing', 'withdraw');
    await page.getByRole('button', { name: 'Submit my choices' }).tap();
    await page.getByRole('heading', { name: 'Your choices are saved' }).waitFor();
    expect(await page.locator('li[data-purpose="marketing"]').getAttribute('data-state')).toBe('withdrawn');
    await screenshot(`consent-withdrawn-en-${kind}`);

    const current = await h.gateway.consent.ledger.current(h.person(openid));
    expect(current.purposes.marketing.state).toBe('withdrawn');
    expect(current.purposes.archiving.state).toBe('granted');
    const last = (await h.gateway.consent.ledger.history(h.person(openid))).filter((e) => e.purpose === 'marketing').at(-1);
    expect(last).toMatchObject({ action: 'withdraw', language: 'en', noticeVersion: h.gateway.consent.notices.get('marketing', 'en')!.version });

    // The language switch is a link on the page.
    await page.getByRole('link', { name: '中文' }).tap();
    await page.getByRole('heading', { name: '个人信息处理授权' }).waitFor();
  });

  it('answers a replayed form with the error page and records the choices once', async () => {
    const openid = await h.follower();
    const { page, screenshot } = await phone('zh-CN');
    await page.goto(h.openInWechat(openid, `/p/${ACCOUNT_ID}/consent`));
    const token = await page.locator('input[name=token]').inputValue();
    await choose(page, 'marketing', 'grant');
    await page.getByRole('button', { name: '提交我的选择' }).tap();
    await page.getByRole('heading', { name: '已保存您的选择' }).waitFor();
    const before = await h.gateway.consent.ledger.history(h.person(openid));

    // The same form again, from this page (same origin, same session): a double submit or a replay.
    const response = page.waitForResponse((r) => r.request().method() === 'POST');
    // Runs in the page (the test's TypeScript has no DOM types, so it is passed as source).
    await page.evaluate(`(() => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = ${JSON.stringify(`/p/${ACCOUNT_ID}/consent`)};
      for (const [name, value] of [['token', ${JSON.stringify(token)}], ['lang', 'zh-CN'], ['choice.marketing', 'withdraw']]) {
        const input = document.createElement('input');
        input.type = 'hidden';
        input.name = name;
        input.value = value;
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    })()`);
    expect((await response).status()).toBe(403);
    await page.getByRole('heading', { name: '无法完成操作' }).waitFor();
    expect(await page.locator('[data-error-code]').getAttribute('data-error-code')).toBe('form.token_invalid');
    await screenshot(`consent-replayed-error-${kind}`);

    expect(await h.gateway.consent.ledger.history(h.person(openid))).toEqual(before);
    expect((await h.gateway.consent.ledger.current(h.person(openid))).purposes.marketing.state).toBe('granted');
    const rejected = await h.gateway.audit.list({ type: 'page.rejected', order: 'desc', limit: 1 });
    expect(rejected.items[0]).toMatchObject({ outcome: 'denied', details: { code: 'form.token_invalid' } });
  });

  it('refuses a post from another site (CSRF) with the error page, recording nothing', async () => {
    const openid = await h.follower();
    const { page, screenshot } = await phone('zh-CN');
    await page.goto(h.openInWechat(openid, `/p/${ACCOUNT_ID}/consent`));
    const token = await page.locator('input[name=token]').inputValue();
    // An attacker's page (another site: the simulator's origin) that posts the victim's form.
    await page.goto(`${h.simBrowserUrl}/sim/wechat-client/login?${new URLSearchParams({ appid: h.account.appId, openid })}`);
    const form = `<form method="post" action="${h.url}/p/${ACCOUNT_ID}/consent"><input name="token" value="${token}"><input name="lang" value="zh-CN"><input name="choice.marketing" value="grant"><button id="go">go</button></form>`;
    await page.evaluate(`document.body.innerHTML = ${JSON.stringify(form)}`);
    const response = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.locator('#go').tap();
    expect((await response).status()).toBe(403);
    await page.getByRole('heading', { name: '无法完成操作' }).waitFor();
    expect(await page.locator('[data-error-code]').getAttribute('data-error-code')).toBe('csrf.origin');
    await screenshot(`consent-csrf-error-${kind}`);
    expect(await h.gateway.consent.ledger.history(h.person(openid))).toEqual([]);
  });
});
