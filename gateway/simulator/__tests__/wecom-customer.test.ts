import { createTencentSimulator } from '../simulator';
import { createSimulatedCorp, EXTERNAL_USERID_PATTERN } from '../state/wecom-corps';
import { closeHarnesses, startApiHarness, wecomSuffix, type ApiHarness } from './helpers/api-harness';

const TASK = '/cgi-bin/externalcontact/add_msg_template';
const WELCOME = '/cgi-bin/externalcontact/send_welcome_msg';
const AGENT = 'A'.repeat(43);
const CONTACT = 'C'.repeat(43);

let h: ApiHarness;
afterEach(closeHarnesses);

const link = { msgtype: 'link', link: { title: '基金月报', picurl: 'https://bank.example/p.png', desc: 'd', url: 'https://bank.example/r' } };

describe('POST /cgi-bin/externalcontact/add_msg_template', () => {
  it('creates a task and answers {fail_list, msgid}, unknown customers in fail_list', async () => {
    h = await startApiHarness();
    const [known] = h.corp.externalContacts;
    const stranger = `wm${'x'.repeat(30)}`;
    const body = { chat_type: 'single', external_userid: [known, stranger], sender: 'lisi', text: { content: '本月理财产品' }, attachments: [link] };
    const answer = await h.wecomPost(TASK, body, await h.wecomToken(CONTACT));
    expect(answer).toEqual({ errcode: 0, errmsg: 'ok', fail_list: [stranger], msgid: expect.stringMatching(/^msg[A-Za-z0-9_-]+$/) });
    expect(h.sim.received({ path: TASK })).toEqual([expect.objectContaining({ corpId: h.corp.corpId, msgid: answer.msgid, recipients: [known], body })]);
    expect(h.sim.received({ path: TASK })[0]).not.toHaveProperty('agentId');
  });

  it('sends to every customer of the corp when no external_userid is given', async () => {
    h = await startApiHarness();
    const answer = await h.wecomPost(TASK, { text: { content: 'x' } }, await h.wecomToken(CONTACT));
    expect(answer.fail_list).toEqual([]);
    expect(h.sim.received({ path: TASK })[0]?.recipients).toEqual([...h.corp.externalContacts]);
  });

  it('answers 48002 to an app token', async () => {
    h = await startApiHarness();
    const answer = await h.wecomPost(TASK, { external_userid: [...h.corp.externalContacts], text: { content: 'x' } }, await h.wecomToken(AGENT));
    expect(answer.errcode).toBe(48002);
    expect(answer.errmsg).toMatch(wecomSuffix(48002));
  });

  it.each([
    ['10 attachments', () => ({ text: { content: 'x' }, attachments: Array.from({ length: 10 }, () => link) }), 41064],
    ['an attachment of an unknown type', () => ({ attachments: [{ msgtype: 'voice', voice: { media_id: 'm' } }] }), 41065],
    ['a link attachment without url', () => ({ attachments: [{ msgtype: 'link', link: { title: 't' } }] }), 41010],
    ['an image attachment with neither media_id nor pic_url', () => ({ attachments: [{ msgtype: 'image', image: {} }] }), 41006],
    ['text over 4,000 bytes', () => ({ text: { content: '好'.repeat(1334) } }), 45002],
    ['neither text nor attachments', () => ({ text: { content: '' } }), 44004],
    ['a sender who is not a member', () => ({ sender: 'ghost', text: { content: 'x' } }), 40003],
    ['a bad chat_type', () => ({ chat_type: 'broadcast', text: { content: 'x' } }), 40058],
    ['only unknown customers', () => ({ external_userid: [`wm${'y'.repeat(30)}`], text: { content: 'x' } }), 41048],
  ])('refuses %s', async (_name, body, errcode) => {
    h = await startApiHarness();
    const answer = await h.wecomPost(TASK, body(), await h.wecomToken(CONTACT));
    expect(answer.errcode).toBe(errcode);
    expect(h.sim.received()).toEqual([]);
  });

  it('takes 9 attachments and text of exactly 4,000 bytes', async () => {
    h = await startApiHarness();
    const answer = await h.wecomPost(TASK, { text: { content: 'x'.repeat(4000) }, attachments: Array.from({ length: 9 }, () => link) }, await h.wecomToken(CONTACT));
    expect(answer.errcode).toBe(0);
  });

  it('caps external_userid at 10,000 and chat_id_list at 2,000 (40058)', async () => {
    h = await startApiHarness({ wecomLimits: { externalUserMax: 2, chatIdMax: 1 } });
    const token = await h.wecomToken(CONTACT);
    const three = [...h.corp.externalContacts];
    expect((await h.wecomPost(TASK, { external_userid: three.slice(0, 2), text: { content: 'x' } }, token)).errcode).toBe(0);
    expect((await h.wecomPost(TASK, { external_userid: three, text: { content: 'x' } }, token)).errcode).toBe(40058);
    expect((await h.wecomPost(TASK, { chat_type: 'group', chat_id_list: ['wr1', 'wr2'], text: { content: 'x' } }, token)).errcode).toBe(40058);
    expect((await h.wecomPost(TASK, { chat_type: 'group', chat_id_list: ['wr1'], text: { content: 'x' } }, token)).errcode).toBe(0);
    expect(h.sim.received({ path: TASK }).map((r) => r.recipients)).toEqual([three.slice(0, 2), ['wr1']]);
  });

  it('puts a customer past the monthly cap in fail_list, and the cap resets next Beijing month', async () => {
    h = await startApiHarness({ wecomLimits: { customerMonthlyCap: 2 } });
    h.clock.set(Date.UTC(2025, 0, 31, 15, 0)); // 23:00 on 31 January, Beijing
    const token = await h.wecomToken(CONTACT);
    const [a, b] = h.corp.externalContacts as [string, string];
    await h.wecomPost(TASK, { external_userid: [a], text: { content: '1' } }, token);
    await h.wecomPost(TASK, { external_userid: [a], text: { content: '2' } }, token);
    expect((await h.wecomPost(TASK, { external_userid: [a, b], text: { content: '3' } }, token)).fail_list).toEqual([a]);
    h.clock.advance(3600_000); // February in Beijing
    expect((await h.wecomPost(TASK, { external_userid: [a], text: { content: '4' } }, token)).fail_list).toEqual([]);
  });

  it('defaults the monthly cap to the number of days in the month', async () => {
    h = await startApiHarness();
    h.clock.set(Date.UTC(2025, 1, 10, 4, 0)); // February 2025: 28 days
    const token = await h.wecomToken(CONTACT);
    const [a] = h.corp.externalContacts as [string];
    for (let i = 0; i < 28; i++) expect((await h.wecomPost(TASK, { external_userid: [a], text: { content: `${i}` } }, token)).errcode).toBe(0);
    expect((await h.wecomPost(TASK, { external_userid: [a], text: { content: 'over' } }, token)).errcode).toBe(41048);
  });
});

describe('POST /cgi-bin/externalcontact/send_welcome_msg', () => {
  it('greets a new customer within 20 s of the add event, once', async () => {
    h = await startApiHarness();
    const contact = h.sim.addExternalContact(h.corp.corpId, 'lisi', { state: 'bind-123' });
    expect(contact.externalUserId).toMatch(EXTERNAL_USERID_PATTERN);
    expect(h.sim.externalContacts(h.corp.corpId)).toContain(contact.externalUserId);
    expect(contact.xml).toContain('<ChangeType><![CDATA[add_external_contact]]></ChangeType>');
    expect(contact.xml).toContain(`<WelcomeCode><![CDATA[${contact.welcomeCode}]]></WelcomeCode>`);
    expect(contact.xml).toContain('<State><![CDATA[bind-123]]></State>');
    const token = await h.wecomToken(CONTACT);
    h.clock.advance(19_999);
    const body = { welcome_code: contact.welcomeCode, text: { content: '您好，我是您的客户经理' } };
    expect(await h.wecomPost(WELCOME, body, token)).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(h.sim.received({ path: WELCOME })).toEqual([expect.objectContaining({ recipients: [contact.externalUserId], body })]);
    const reused = await h.wecomPost(WELCOME, body, token);
    expect(reused.errcode).toBe(41050);
    expect(reused.errmsg).toMatch(/^invalid welcome_code, hint: /);
  });

  it('answers 41050 after 20 s or for an unknown code, 41049 without one, 48002 to an app token', async () => {
    h = await startApiHarness();
    const token = await h.wecomToken(CONTACT);
    const { welcomeCode } = h.sim.addExternalContact(h.corp.corpId, 'wangwu');
    expect((await h.wecomPost(WELCOME, { welcome_code: welcomeCode, text: { content: 'x' } }, await h.wecomToken(AGENT))).errcode).toBe(48002);
    h.clock.advance(20_000);
    expect((await h.wecomPost(WELCOME, { welcome_code: welcomeCode, text: { content: 'x' } }, token)).errcode).toBe(41050);
    expect((await h.wecomPost(WELCOME, { welcome_code: 'made-up', text: { content: 'x' } }, token)).errcode).toBe(41050);
    expect((await h.wecomPost(WELCOME, { text: { content: 'x' } }, token)).errcode).toBe(41049);
    expect(h.sim.received()).toEqual([]);
  });

  it('checks content before spending the code', async () => {
    h = await startApiHarness();
    const token = await h.wecomToken(CONTACT);
    const { welcomeCode } = h.sim.addExternalContact(h.corp.corpId, 'lisi');
    expect((await h.wecomPost(WELCOME, { welcome_code: welcomeCode, attachments: [{ msgtype: 'poll' }] }, token)).errcode).toBe(41065);
    expect((await h.wecomPost(WELCOME, { welcome_code: welcomeCode, attachments: [link] }, token)).errcode).toBe(0);
  });

  it('refuses to add a contact for someone who is not a member', async () => {
    h = await startApiHarness();
    expect(() => h.sim.addExternalContact(h.corp.corpId, 'ghost')).toThrow(/not a member/);
    expect(() => h.sim.addExternalContact('ww0000000000000000', 'lisi')).toThrow(/no corp/);
  });
});

describe('simulated corps', () => {
  it('generates Tencent-shaped identifiers', () => {
    const corp = createSimulatedCorp({ seed: 'shape' });
    expect(corp.corpId).toMatch(/^ww[0-9a-f]{16}$/);
    expect(corp.agents[0]?.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(corp.externalContacts).toHaveLength(3);
    expect(createSimulatedCorp({ seed: 'shape' })).toEqual(corp);
  });

  it('names every malformed field at once', () => {
    expect(() =>
      createSimulatedCorp({
        corpId: 'corp1',
        agents: [{ agentId: 12, secret: 'short' }],
        contactSecret: 'short',
        members: ['ok', 'bad user'],
        externalContacts: ['nope'],
        parties: { x: ['stranger'] },
      }),
    ).toThrow(/corpId must be ww \+ 16 hex.*agentId 12.*secret must be 43.*contactSecret.*bad user.*nope.*parties id x must be numeric.*non-members: stranger/);
  });

  it('refuses a corp listed twice or a contact secret shared with an app', () => {
    const corp = createSimulatedCorp({ seed: 'twice' });
    expect(() => createTencentSimulator({ accounts: [], corps: [corp, corp] })).toThrow(/listed twice/);
    const shared = { ...corp, contactSecret: corp.agents[0]?.secret as string };
    expect(() => createTencentSimulator({ accounts: [], corps: [shared] })).toThrow(/every secret must be distinct/);
  });
});
