import type { XmlObject } from '../../canonical/chat-event';
import { canonicalHash } from '../../canonical/json';
import { dedupeKey as oaDedupeKey } from '../../wechat/callback/dedupe-key';
import { parseXml } from '../../wechat/callback/xml';
import { buildXml } from '../../wechat/callback/xml';
import { WECOM_CALLBACK_EVENTS, WECOM_CALLBACK_TYPES } from './event-types';
import { SAMPLE_EVENTS, TEST_CORP } from './fixtures/wecom-push';
import { wecomDedupeKey } from './dedupe-key';

const key = (message: XmlObject, corp: string = TEST_CORP.id): string => wecomDedupeKey(corp, message);

describe('wecomDedupeKey', () => {
  it('pins the documented form for change_external_contact and msgaudit_notify', () => {
    const add = SAMPLE_EVENTS['change_external_contact.add_external_contact'];
    expect(JSON.parse(key(add))).toEqual([
      'v1', 'wecom-event', TEST_CORP.id, 'change_external_contact', 'add_external_contact', 'sys', add.CreateTime, null,
      'zhangsan', 'wmFixtureExternal0123456789abcdef', 'bind-7f3a', 'WELCOMECODE-1', null,
    ]);
    const notify = SAMPLE_EVENTS.msgaudit_notify;
    expect(JSON.parse(key(notify))).toEqual(['v1', 'wecom-event', TEST_CORP.id, 'msgaudit_notify', null, 'sys', notify.CreateTime, '2000003', null]);
  });

  it.each(WECOM_CALLBACK_TYPES)('%s: equal for a retry (the same message parsed again), different for another corp', (type) => {
    const message = SAMPLE_EVENTS[type];
    const retry = parseXml(buildXml(message));
    expect(key(retry)).toBe(key(message));
    expect(key(message, 'other-corp')).not.toBe(key(message));
  });

  it.each(WECOM_CALLBACK_TYPES)('%s: every element that can differ between two events of the type changes the key', (type) => {
    const message = SAMPLE_EVENTS[type];
    const base = key(message);
    const candidates = ['CreateTime', 'FromUserName', 'AgentID', 'Event', 'ChangeType', ...WECOM_CALLBACK_EVENTS[type].map(([wire]) => wire)];
    for (const name of candidates) {
      const changed = { ...message, [name]: `${typeof message[name] === 'string' ? (message[name] as string) : ''}9` };
      expect({ name, same: key(changed) === base }).toEqual({ name, same: false });
    }
  });

  it('tells apart two add_external_contact events of one RM in the same second (different customers, or states)', () => {
    const a = SAMPLE_EVENTS['change_external_contact.add_external_contact'];
    expect(key({ ...a, ExternalUserID: 'wmOtherCustomer' })).not.toBe(key(a));
    expect(key({ ...a, State: 'bind-other' })).not.toBe(key(a));
    expect(key({ ...a, WelcomeCode: 'OTHER' })).not.toBe(key(a));
  });

  it('folds an element Tencent adds later into the key', () => {
    const notify = SAMPLE_EVENTS.msgaudit_notify;
    const withExtra = { ...notify, NewField: 'a' };
    expect(key(withExtra)).not.toBe(key(notify));
    expect(key({ ...notify, NewField: 'b' })).not.toBe(key(withExtra));
  });

  it('keys an unknown event by the hash of the whole message', () => {
    const message: XmlObject = { ...SAMPLE_EVENTS['change_external_contact.edit_external_contact'], ChangeType: 'future_change' };
    expect(JSON.parse(key(message))).toEqual(['v1', 'wecom-raw', TEST_CORP.id, canonicalHash(message)]);
  });

  it('keys a message by MsgType, MsgId, sender and agent', () => {
    const message: XmlObject = { ToUserName: TEST_CORP.corpId, FromUserName: 'zhangsan', CreateTime: '1', MsgType: 'text', Content: 'hi', MsgId: '123', AgentID: '1000002' };
    expect(JSON.parse(key(message))).toEqual(['v1', 'wecom-msg', TEST_CORP.id, 'text', '123', 'zhangsan', '1000002']);
  });

  it('never equals an OA key for the same id and message', () => {
    const message = SAMPLE_EVENTS.msgaudit_notify;
    expect(key(message)).not.toBe(oaDedupeKey(TEST_CORP.id, message));
  });
});
