import type { XmlObject } from '../../canonical/chat-event';
import { CallbackError } from '../../wechat/callback/errors';
import { parseXml } from '../../wechat/callback/xml';
import { WECOM_CALLBACK_TYPES, type WecomCallbackEvent, type WecomCallbackType } from './event-types';
import { NOW, SAMPLE_EVENTS, TEST_CORP } from './fixtures/wecom-push';
import { toWecomCallbackEvent } from './parse-event';

const parse = (message: XmlObject): WecomCallbackEvent => toWecomCallbackEvent({ corpConfigId: TEST_CORP.id, corpId: TEST_CORP.corpId, message });

/** What each sample must become, beyond the common fields. */
const EXPECTED: Record<WecomCallbackType, Partial<WecomCallbackEvent>> = {
  'change_external_contact.add_external_contact': {
    event: 'change_external_contact', changeType: 'add_external_contact', userId: 'zhangsan', externalUserId: 'wmFixtureExternal0123456789abcdef',
    state: 'bind-7f3a', welcomeCode: 'WELCOMECODE-1', fields: {}, extra: {},
  },
  'change_external_contact.add_half_external_contact': { changeType: 'add_half_external_contact', userId: 'zhangsan', state: 'bind-7f3b', welcomeCode: 'WELCOMECODE-2', fields: {} },
  'change_external_contact.edit_external_contact': { changeType: 'edit_external_contact', userId: 'zhangsan', externalUserId: 'wmFixtureExternal0123456789abcdef', fields: {} },
  'change_external_contact.del_external_contact': { changeType: 'del_external_contact', source: 'DELETE_BY_TRANSFER', fields: {} },
  'change_external_contact.del_follow_user': { changeType: 'del_follow_user', userId: 'zhangsan', fields: {} },
  'change_external_contact.transfer_fail': { changeType: 'transfer_fail', failReason: 'customer_refused', fields: {} },
  'change_external_contact.msg_audit_approved': {
    changeType: 'msg_audit_approved', welcomeCode: 'WELCOMECODE-3',
    consent: { decision: 'agree', externalUserId: 'wmFixtureExternal0123456789abcdef', userId: 'zhangsan', at: (NOW - 1) * 1000 },
  },
  'change_external_chat.create': { event: 'change_external_chat', changeType: 'create', chatId: 'wrFixtureChat01', fields: {} },
  'change_external_chat.update': {
    chatId: 'wrFixtureChat01',
    fields: {
      updateDetail: 'add_member', joinScene: '1', quitScene: '0', memChangeCnt: '2', memChangeList: ['wmMemberOne', 'wmMemberTwo'],
      lastMemVer: '9c3f97c2ada667dfb5f6d03308d963e1', curMemVer: '71217227bbd112ecfe3a49c482195cb4',
    },
  },
  'change_external_chat.dismiss': { changeType: 'dismiss', chatId: 'wrFixtureChat01' },
  'change_external_tag.create': { event: 'change_external_tag', fields: { tagId: 'etFixtureTag01', tagType: 'tag' } },
  'change_external_tag.update': { fields: { tagId: 'etFixtureTag01', tagType: 'tag_group', strategyId: '1' } },
  'change_external_tag.delete': { fields: { tagId: 'etFixtureTag01', tagType: 'tag', strategyId: '1' } },
  'change_external_tag.shuffle': { fields: { tagId: 'etFixtureGroup01', strategyId: '1' } },
  msgaudit_notify: { event: 'msgaudit_notify', agentId: '2000003', fields: {}, extra: {} },
  'change_contact.create_user': {
    userId: 'lisi',
    fields: {
      name: '李四', department: '1,2', mainDepartment: '1', isLeaderInDept: '1,0', position: 'RM', mobile: '13800000000', gender: '1',
      email: 'lisi@bank.example', status: '1', alias: 'li', extAttr: { Item: { Name: 'desk', Type: '0', Text: { Value: '12F' } } },
    },
  },
  'change_contact.update_user': { userId: 'lisi', fields: { newUserId: 'lisi2', position: 'Senior RM' } },
  'change_contact.delete_user': { userId: 'lisi2', fields: {} },
  'change_contact.create_party': { fields: { partyId: '2', name: 'Wealth', parentId: '1', order: '1' } },
  'change_contact.update_party': { fields: { partyId: '2', name: 'Private Wealth', parentId: '1' } },
  'change_contact.delete_party': { fields: { partyId: '2' } },
  'change_contact.update_tag': { fields: { tagId: '1', addUserItems: 'lisi,wangwu', delUserItems: 'zhaoliu', addPartyItems: '2', delPartyItems: '3' } },
};

describe('toWecomCallbackEvent', () => {
  it('has a sample and an expectation for every known type', () => {
    expect(Object.keys(SAMPLE_EVENTS).sort()).toEqual([...WECOM_CALLBACK_TYPES].sort());
    expect(Object.keys(EXPECTED).sort()).toEqual([...WECOM_CALLBACK_TYPES].sort());
  });

  it.each(WECOM_CALLBACK_TYPES)('parses %s into its canonical fields, keeping every element in raw', (type) => {
    const message = SAMPLE_EVENTS[type];
    const event = parse(message);
    expect(event).toMatchObject({
      channel: 'wecom-callback', corpConfigId: TEST_CORP.id, corpId: TEST_CORP.corpId, toUserName: TEST_CORP.corpId, fromUserName: 'sys',
      createTime: NOW - 1, msgType: 'event', type, extra: {}, ...EXPECTED[type],
    });
    expect(event.raw).toBe(message);
    expect(typeof event.dedupeKey).toBe('string');
    if (type !== 'change_external_contact.msg_audit_approved') expect(event.consent).toBeUndefined();
  });

  it('surfaces the ExternalUserID of every external-contact change (the archive subject)', () => {
    for (const type of WECOM_CALLBACK_TYPES.filter((t) => t.startsWith('change_external_contact.'))) {
      expect(parse(SAMPLE_EVENTS[type]).externalUserId).toBe('wmFixtureExternal0123456789abcdef');
    }
  });

  it('matches Event and ChangeType case-insensitively but keeps them as sent', () => {
    const event = parse({ ...SAMPLE_EVENTS['change_external_contact.msg_audit_approved'], Event: 'Change_External_Contact', ChangeType: 'MSG_AUDIT_APPROVED' });
    expect(event).toMatchObject({ type: 'change_external_contact.msg_audit_approved', event: 'Change_External_Contact', changeType: 'MSG_AUDIT_APPROVED' });
  });

  it('keeps an unknown change type with all its fields', () => {
    const message: XmlObject = {
      ...SAMPLE_EVENTS['change_external_contact.add_external_contact'], ChangeType: 'future_change', Remark: 'vip', Nested: { A: '1', B: ['x', 'y'] },
    };
    const event = parse(message);
    expect(event).toMatchObject({
      type: 'unknown', event: 'change_external_contact', changeType: 'future_change',
      userId: 'zhangsan', externalUserId: 'wmFixtureExternal0123456789abcdef', state: 'bind-7f3a', welcomeCode: 'WELCOMECODE-1',
      fields: {}, extra: { Remark: 'vip', Nested: { A: '1', B: ['x', 'y'] } },
    });
    expect(event.raw).toEqual(message);
  });

  it('keeps an unknown event with all its fields', () => {
    const message: XmlObject = { ToUserName: TEST_CORP.corpId, FromUserName: 'sys', CreateTime: '1714037000', MsgType: 'event', Event: 'kf_msg_or_event', Token: 'ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR', OpenKfId: 'wkxxxx' };
    const event = parse(message);
    expect(event).toMatchObject({ type: 'unknown', event: 'kf_msg_or_event', fields: {}, extra: { Token: 'ENCApHxnGDNAVNY4AaSJKj4Tb5mwsEMzxhFmHVGcra996NR', OpenKfId: 'wkxxxx' } });
    expect(event.changeType).toBeUndefined();
  });

  it('keeps an event that needs a ChangeType but has none as unknown', () => {
    const { ChangeType: _dropped, ...message } = SAMPLE_EVENTS['change_external_chat.create'];
    expect(parse(message).type).toBe('unknown');
  });

  it('keeps a message pushed to the app (not an event) as unknown with its MsgId', () => {
    // Tencent's own WeCom sample (callback-crypto.md §10 V2), decrypted.
    const message = parseXml('<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>');
    const event = parse(message);
    expect(event).toMatchObject({ type: 'unknown', msgType: 'text', msgId: '4561255354251345929', agentId: '218', fromUserName: 'mycreate', extra: { Content: 'hello' } });
  });

  it('puts elements Tencent adds to a known type in extra, never drops them', () => {
    const event = parse({ ...SAMPLE_EVENTS.msgaudit_notify, NewThing: 'n', Source: 'x' });
    expect(event).toMatchObject({ type: 'msgaudit_notify', source: 'x', extra: { NewThing: 'n' } });
  });

  it('normalises a MemChangeList with one Item to a list', () => {
    const event = parse({ ...SAMPLE_EVENTS['change_external_chat.update'], MemChangeList: { Item: 'wmOnly' } });
    expect(event.fields.memChangeList).toEqual(['wmOnly']);
  });

  it('gives msg_audit_approved without an ExternalUserID no consent (it is still archived)', () => {
    const { ExternalUserID: _dropped, ...message } = SAMPLE_EVENTS['change_external_contact.msg_audit_approved'];
    const event = parse(message);
    expect(event.type).toBe('change_external_contact.msg_audit_approved');
    expect(event.consent).toBeUndefined();
  });

  it.each(['ToUserName', 'FromUserName', 'CreateTime', 'MsgType'])('refuses a push without %s with missing-field', (name) => {
    const { [name]: _dropped, ...message } = SAMPLE_EVENTS.msgaudit_notify;
    expect(() => parse(message)).toThrow(expect.objectContaining({ code: 'missing-field' }) as CallbackError);
  });

  it.each(['-1', '1.5', '1e9', '99999999999999999', ''])('refuses CreateTime %j', (createTime) => {
    expect(() => parse({ ...SAMPLE_EVENTS.msgaudit_notify, CreateTime: createTime })).toThrow(CallbackError);
  });

  it('refuses a common field that is not text', () => {
    expect(() => parse({ ...SAMPLE_EVENTS.msgaudit_notify, FromUserName: { A: 'b' } })).toThrow(expect.objectContaining({ code: 'missing-field' }) as CallbackError);
  });
});
