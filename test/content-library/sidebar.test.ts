/**
 * The WeCom content sidebar end to end in real Chromium on a phone viewport,
 * on SQLite and PostgreSQL. The RM opens the page from WeCom's chat toolbar:
 * WeCom web authorization (the simulator) names the member, the page lists
 * approved items only, configures Tencent's JS-SDK (loaded from
 * res.wx.qq.com / open.work.weixin.qq.com as in production; here a fake that
 * records calls) with signatures that verify against the simulator's tickets
 * (checked with @wecom/crypto and node-easywechat), and "send" invokes
 * sendChatMessage with the item's payload — an image through a media_id the
 * gateway uploaded. What the page sent then comes back through the chat
 * archive and is linked to its items. Screenshots: test-artifacts/sidebar/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { getJsApiSignature } from '@wecom/crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { In } from 'typeorm';
import { useFinanceStandin } from '../../connectors/wecom/msgaudit/standin/__tests__/use-finance-standin';
import type { ContentItem } from '../../gateway/admin-api/ports';
import { CONTENT_ITEM_USE_ENTITY, type ContentItemUseRow } from '../../gateway/db/entities';
import { DATABASE_KINDS } from '../db';
import { archived, cursorAt, sealed } from '../msgaudit/msgaudit-harness';
import { openPhone, requireChromium, type Phone } from '../pages/phone';
import { md5, PROMO_TEXT, solidPng } from './content-fixtures';
import { CORP, RM, startSidebarHarness, type SidebarHarness } from './sidebar-harness';
import { SECRET } from '../msgaudit/msgaudit-harness';

jest.setTimeout(180_000);

// node-easywechat's WeCom signer, an independent implementation of the same rule.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const EasyWechatTicket = require('node-easywechat/dist/Work/JsApiTicket') as { prototype: { getTicketSignature(ticket: string, nonce: string, timestamp: number, url: string): string } };

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'sidebar');
const JWEIXIN = 'https://res.wx.qq.com/open/js/jweixin-1.2.0.js';
const JWXWORK = 'https://open.work.weixin.qq.com/wwopen/js/jwxwork-1.0.0.js';

/** Tencent's JS-SDK as the page sees it, recording every call; config succeeds and sendChatMessage answers ok. */
const FAKE_SDK = `(function () {
  if (window.__wxFake) return;
  var calls = [], readyFns = [], configured = false;
  function plain(o) { var r = {}; for (var k in o) if (typeof o[k] !== 'function') r[k] = o[k]; return r; }
  var wx = {
    config: function (c) { calls.push({ api: 'config', args: plain(c) }); configured = true; setTimeout(function () { readyFns.splice(0).forEach(function (f) { f(); }); }, 0); },
    ready: function (f) { if (configured) setTimeout(f, 0); else readyFns.push(f); },
    error: function () {},
    agentConfig: function (c) { calls.push({ api: 'agentConfig', args: plain(c) }); setTimeout(function () { c.success({ err_msg: 'agentConfig:ok' }); }, 0); },
    invoke: function (name, args, cb) { calls.push({ api: 'invoke', name: name, args: JSON.parse(JSON.stringify(args)) }); setTimeout(function () { cb({ err_msg: name + ':ok' }); }, 0); }
  };
  window.__wxFake = { calls: calls };
  window.wx = window.jWeixin = wx;
})();`;

type SdkCall = { api: 'config' | 'agentConfig'; args: Record<string, unknown> } | { api: 'invoke'; name: string; args: Record<string, unknown> };

const standin = useFinanceStandin();
/** A 320×160 poster. */
const POSTER = solidPng(320, 160, [7, 193, 96]);

describe.each(DATABASE_KINDS)('the WeCom content sidebar in Chromium [%s]', (kind) => {
  let h: SidebarHarness;
  let items: { text: ContentItem; link: ContentItem; image: ContentItem; draft: ContentItem; retired: ContentItem };
  const phones: Phone[] = [];
  const scriptsLoaded: string[] = [];

  beforeAll(async () => {
    requireChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
    h = await startSidebarHarness(kind, standin);
    items = {
      text: await h.approve({ label: '三季度新品', kind: 'text', text: PROMO_TEXT }),
      link: await h.approve({ label: '稳健理财 A', kind: 'link', link: { title: '稳健理财 A 产品页', description: '产品说明书与风险揭示', url: 'https://www.bank.example/funds/a?from=wecom', picUrl: 'https://www.bank.example/img/a.png' } }),
      image: await h.approve({ label: '活动海报', kind: 'image', image: { dataBase64: POSTER.toString('base64'), filename: 'poster.png' } }),
      draft: await h.draft({ label: '草稿', kind: 'text', text: '尚未审批的内容' }),
      retired: await h.retired({ label: '已下架', kind: 'text', text: '已下架的旧利率' }),
    };
  });
  afterEach(async () => {
    for (const p of phones.splice(0)) await p.close();
  });
  afterAll(async () => h?.close());

  /** A phone in WeCom: the simulated client is `userid`, Tencent's scripts answered by the fake. */
  async function phone(locale: 'zh-CN' | 'en-US', userid = RM): Promise<Phone> {
    const p = await openPhone(locale);
    phones.push(p);
    await p.context.addCookies([{ name: 'cgwsim_wecom_user', value: `${h.corp.corpId}:${userid}`, domain: 'localhost', path: '/' }]);
    for (const url of [JWEIXIN, JWXWORK]) {
      await p.context.route(url, (route) => {
        scriptsLoaded.push(url);
        return route.fulfill({ status: 200, contentType: 'application/javascript', body: FAKE_SDK });
      });
    }
    return p;
  }

  const calls = (page: Page): Promise<SdkCall[]> => page.evaluate(() => (globalThis as unknown as { __wxFake: { calls: SdkCall[] } }).__wxFake.calls);
  const invoked = async (page: Page) => (await calls(page)).filter((c): c is Extract<SdkCall, { api: 'invoke' }> => c.api === 'invoke');
  const waitForInvokes = (page: Page, n: number) => page.waitForFunction((count) => (globalThis as unknown as { __wxFake: { calls: { api: string }[] } }).__wxFake.calls.filter((c) => c.api === 'invoke').length === count, n);
  const sidebarUrl = (lang?: string) => `${h.url}/wecom/${CORP}/sidebar${lang ? `?lang=${lang}` : ''}`;
  const shoot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}-${kind}.png`), fullPage: true });
  const sessionCookie = async (context: BrowserContext) => (await context.cookies(`${h.url}/wecom/${CORP}/sidebar`)).find((c) => c.name === 'cgw_sidebar')!;

  it('signs the RM in through WeCom web authorization and lists approved items only, at phone width, in Chinese', async () => {
    const { page } = await phone('zh-CN');
    await page.goto(sidebarUrl());
    await page.getByRole('heading', { name: '合规内容库' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/wecom/${CORP}/sidebar`);
    await page.locator('#cgw-status[data-state="ready"]').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    const listed = await page.locator('article[data-item-id]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-item-id')));
    expect(listed.sort()).toEqual([items.text.id, items.link.id, items.image.id].sort());
    expect(await page.locator('button[data-item]:not([disabled])').count()).toBe(3);
    // Thumb-sized buttons, nothing wider than the phone.
    const button = await page.locator(`button[data-item="${items.text.id}"]`).boundingBox();
    expect(button!.height).toBeGreaterThanOrEqual(44);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await page.locator(`article[data-item-id="${items.image.id}"] img.thumb`).evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(320);
    await shoot(page, 'sidebar-zh-CN');
    expect(scriptsLoaded).toEqual(expect.arrayContaining([JWEIXIN, JWXWORK]));
    const audit = await h.gateway.audit.list({ type: 'sidebar.signed_in', order: 'desc', limit: 1 });
    expect(audit.items[0]).toMatchObject({ outcome: 'success', target: CORP, details: { corp: CORP, rm: h.gateway.consent.index({ id: RM }) } });
    expect(JSON.stringify(audit.items)).not.toContain(RM);
  });

  it("configures the JS-SDK with signatures that verify against WeCom's tickets (corp ticket for wx.config, app ticket for wx.agentConfig)", async () => {
    const { page } = await phone('zh-CN');
    await page.goto(sidebarUrl());
    await page.locator('#cgw-status[data-state="ready"]').waitFor();
    const recorded = await calls(page);
    const config = recorded.find((c) => c.api === 'config')!.args as { appId: string; timestamp: number; nonceStr: string; signature: string; jsApiList: string[]; beta: boolean };
    const agent = recorded.find((c) => c.api === 'agentConfig')!.args as { corpid: string; agentid: number; timestamp: number; nonceStr: string; signature: string; jsApiList: string[] };
    expect(config).toMatchObject({ appId: h.corp.corpId, beta: true, jsApiList: ['sendChatMessage'] });
    expect(agent).toMatchObject({ corpid: h.corp.corpId, agentid: 1000002, jsApiList: ['sendChatMessage'] });
    const tickets = h.sim.jsapiTickets(h.corp.corpId);
    const corpTicket = tickets.find((t) => t.scope.kind === 'corp')!.ticket;
    const agentTicket = tickets.find((t) => t.scope.kind === 'agent')!.ticket;
    const url = page.url().split('#')[0]!;
    for (const [signed, ticket] of [[config, corpTicket], [agent, agentTicket]] as const) {
      expect(signed.signature).toBe(getJsApiSignature({ url, ticket, nonceStr: signed.nonceStr, timestamp: signed.timestamp }).signature);
      expect(signed.signature).toBe(EasyWechatTicket.prototype.getTicketSignature.call({}, ticket, signed.nonceStr, signed.timestamp, url));
      expect(Math.abs(signed.timestamp - Date.now() / 1000)).toBeLessThan(60);
    }
    // Cached: a second page load fetches no ticket (one corp and one app ticket for the whole file so far).
    const fetched = h.sim.jsapiTicketFetches(h.corp.corpId);
    await page.reload();
    await page.locator('#cgw-status[data-state="ready"]').waitFor();
    expect(h.sim.jsapiTicketFetches(h.corp.corpId)).toBe(fetched);
    expect(tickets.length).toBe(2);
  });

  it('sends each item into the chat with sendChatMessage and the exact payload; an image through a media_id the gateway uploaded', async () => {
    const { page } = await phone('en-US');
    await page.goto(sidebarUrl('en'));
    await page.getByRole('heading', { name: 'Approved content' }).waitFor();
    await page.locator('#cgw-status[data-state="ready"]').waitFor();
    await shoot(page, 'sidebar-en');

    await page.locator(`button[data-item="${items.text.id}"]`).tap();
    await page.locator('#cgw-status[data-state="sent"]').waitFor();
    await page.locator(`button[data-item="${items.link.id}"]`).tap();
    await waitForInvokes(page, 2);
    await page.locator(`button[data-item="${items.image.id}"]`).tap();
    await waitForInvokes(page, 3);
    await page.locator('#cgw-status[data-state="sent"]').waitFor();
    await shoot(page, 'sidebar-sent-en');

    const sent = await invoked(page);
    const uploads = h.sim.wecomUploads(h.corp.corpId);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]).toMatchObject({ agentId: 1000002, type: 'image', md5: md5(POSTER), size: POSTER.length });
    expect(sent).toEqual([
      { api: 'invoke', name: 'sendChatMessage', args: { msgtype: 'text', enterChat: true, text: { content: PROMO_TEXT } } },
      { api: 'invoke', name: 'sendChatMessage', args: { msgtype: 'news', enterChat: true, news: { link: 'https://www.bank.example/funds/a?from=wecom', title: '稳健理财 A 产品页', desc: '产品说明书与风险揭示', imgUrl: 'https://www.bank.example/img/a.png' } } },
      { api: 'invoke', name: 'sendChatMessage', args: { msgtype: 'image', enterChat: true, image: { mediaid: uploads[0]!.mediaId } } },
    ]);
    // The same image again: the media_id is reused, not uploaded twice.
    await page.locator(`button[data-item="${items.image.id}"]`).tap();
    await waitForInvokes(page, 4);
    expect(h.sim.wecomUploads(h.corp.corpId)).toHaveLength(1);
    expect((await h.gateway.audit.list({ type: 'sidebar.media_uploaded', order: 'desc', limit: 5 })).items).toHaveLength(1);

    // What WeCom archives of these sends comes back through the chat archive, linked to the items.
    const customer = 'wmSidebarCustomer000000000000001';
    const msg = (seq: number, body: Record<string, unknown>) => ({ msgid: `sb-${kind}-${seq}`, action: 'send', from: RM, tolist: [customer], roomid: '', msgtime: Date.now(), ...body });
    const news = sent[1]!.args.news as { link: string; title: string; desc: string; imgUrl: string };
    const messages = [
      msg(1, { msgtype: 'text', text: { content: (sent[0]!.args.text as { content: string }).content } }),
      msg(2, { msgtype: 'link', link: { title: news.title, description: news.desc, link_url: news.link, image_url: news.imgUrl } }),
      msg(3, { msgtype: 'image', image: { md5sum: uploads[0]!.md5, filesize: uploads[0]!.size, sdkfileid: 'sdk-poster' } }),
    ];
    standin.control.load({ corps: { [h.corp.corpId]: { secret: SECRET, chatdata: messages.map((m, i) => sealed(i + 1, m)), media: { 'sdk-poster': POSTER } } } });
    h.gateway.msgaudit.wakeUp(CORP);
    await cursorAt(h.gateway, h.corp.corpId, '3');
    const records = (await archived(h.gateway, h.corp.corpId)).map((r) => r.recordId);
    const uses = await h.gateway.dataSource.getRepository<ContentItemUseRow>(CONTENT_ITEM_USE_ENTITY).find({ where: { recordId: In(records) } });
    expect(uses.map((u) => u.itemId).sort()).toEqual([items.text.id, items.link.id, items.image.id].sort());
  });

  it('refuses what is not the sidebar: an outsider, a foreign URL to sign, a foreign origin, no session, an item not approved, another corp', async () => {
    const outsider = await phone('zh-CN', 'outsider');
    await outsider.page.goto(sidebarUrl());
    await outsider.page.locator('[data-error-code="oauth.not_member"]').waitFor();
    expect(await outsider.page.getByRole('heading', { name: '无法完成操作' }).count()).toBe(1);
    await shoot(outsider.page, 'sidebar-not-member-zh-CN');

    const { page, context } = await phone('zh-CN');
    await page.goto(sidebarUrl());
    await page.locator('#cgw-status[data-state="ready"]').waitFor();
    const cookie = await sessionCookie(context);
    const headers = { cookie: `${cookie.name}=${cookie.value}`, accept: 'application/json' };
    const problem = async (response: Response) => ({ status: response.status, type: response.headers.get('content-type'), code: ((await response.json()) as { code: string }).code });
    const base = `${h.url}/wecom/${CORP}/sidebar`;

    expect(await problem(await fetch(`${base}/jsapi-config?url=${encodeURIComponent('https://evil.example/wecom/bank-corp/sidebar')}`, { headers }))).toEqual({ status: 400, type: 'application/problem+json', code: 'url.foreign' });
    expect(await problem(await fetch(`${base}/jsapi-config?url=${encodeURIComponent(`${h.url}/p/other`)}`, { headers }))).toMatchObject({ status: 400, code: 'url.foreign' });
    expect(await problem(await fetch(`${base}/jsapi-config`, { headers }))).toMatchObject({ status: 400, code: 'request.malformed' });
    expect(await problem(await fetch(`${base}/jsapi-config?url=${encodeURIComponent(base)}`, { headers: { accept: 'application/json' } }))).toMatchObject({ status: 401, code: 'session.missing' });
    expect(await problem(await fetch(`${base}/jsapi-config?url=${encodeURIComponent(base)}`, { headers: { accept: 'application/json', cookie: `${cookie.name}=${cookie.value.slice(0, -2)}xx` } }))).toMatchObject({ status: 401, code: 'session.missing' });
    expect(await problem(await fetch(`${base}/items/${items.image.id}/media`, { method: 'POST', headers: { ...headers, origin: 'https://evil.example' } }))).toMatchObject({ status: 403, code: 'csrf.origin' });
    expect(await problem(await fetch(`${base}/items/${items.image.id}/media`, { method: 'POST', headers }))).toMatchObject({ status: 403, code: 'csrf.origin' });
    for (const item of [items.draft, items.retired, items.text]) {
      expect(await problem(await fetch(`${base}/items/${item.id}/media`, { method: 'POST', headers: { ...headers, origin: h.url } }))).toMatchObject({ status: 404, code: 'item.not_approved' });
    }
    expect(await problem(await fetch(`${base}/items/not-an-id/image`, { headers }))).toMatchObject({ status: 400, code: 'request.malformed' });
    expect(await problem(await fetch(`${base}/items/${items.image.id}/media`, { headers }))).toMatchObject({ status: 405, code: 'sidebar.method_not_allowed' });
    expect(await problem(await fetch(`${h.url}/wecom/other-corp/sidebar`, { headers }))).toMatchObject({ status: 404, code: 'corp.unknown' });
    expect(await problem(await fetch(`${base}/oauth?code=abc&state=${'A'.repeat(43)}`, { headers }))).toMatchObject({ status: 400, code: 'oauth.state_invalid' });
    expect(await problem(await fetch(`${base}/oauth?state=abc`, { headers }))).toMatchObject({ status: 400, code: 'request.malformed' });
    // The compatible API keeps the rest of /wecom/.
    expect(((await (await fetch(`${h.url}/wecom/${CORP}/cgi-bin/nothing`)).json()) as { errcode: number }).errcode).toBe(48001);

    const rejected = await h.gateway.audit.list({ type: 'sidebar.rejected', order: 'desc', limit: 50 });
    expect(rejected.items.map((e) => e.details.code)).toEqual(expect.arrayContaining(['oauth.not_member', 'url.foreign', 'csrf.origin', 'item.not_approved', 'session.missing', 'oauth.state_invalid']));
    expect(JSON.stringify(rejected.items)).not.toContain('outsider');
  });

  it('logs no RM userid, ticket, media_id, session or content', () => {
    const logs = h.logs();
    expect(logs.length).toBeGreaterThan(0);
    const secrets = [RM, 'outsider', ...h.sim.jsapiTickets(h.corp.corpId).map((t) => t.ticket), ...h.sim.wecomUploads(h.corp.corpId).map((u) => u.mediaId), PROMO_TEXT.slice(1, 7), 'cgw_sidebar=', h.corp.agents[0]!.secret];
    for (const secret of secrets) expect({ secret, found: logs.includes(secret) }).toEqual({ secret, found: false });
  });

  it('sends a page CSP that allows only its nonce, Tencent\'s two script origins and itself', async () => {
    const { page } = await phone('zh-CN');
    const response = await page.goto(sidebarUrl());
    await page.locator('#cgw-status[data-state="ready"]').waitFor();
    const csp = (await response!.allHeaders())['content-security-policy']!;
    expect(csp).toMatch(/^default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]+' https:\/\/res\.wx\.qq\.com https:\/\/open\.work\.weixin\.qq\.com; style-src 'nonce-[A-Za-z0-9+/=]+'; img-src data: 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'$/);
    const html = await page.content();
    expect(html).toContain(`src="${JWEIXIN}"`);
    expect(html).toContain(`src="${JWXWORK}"`);
  });
});
