import fc from 'fast-check';
import { OA_EVENT_TYPES, type XmlObject } from '../../canonical/chat-event';
import { canonicalHash, canonicalJson } from '../../canonical/json';
import { EVENT_DISCRIMINATORS, dedupeKey } from './dedupe-key';
import { openPush, type CallbackMode } from './envelope';
import { NOW, TEST_ACCOUNT, TEST_AES_KEY, sealPush } from './fixtures/signed-push';
import { toChatEvent } from './parse-event';

const ACCOUNT = 'bank-oa';
const SECOND = '1714037058';
const head = (overrides: XmlObject = {}): XmlObject => ({ ToUserName: 'gh_0011223344aa', FromUserName: 'oUser', CreateTime: SECOND, ...overrides });
const evt = (name: string, rest: XmlObject = {}): XmlObject => ({ ...head(), MsgType: 'event', Event: name, ...rest });
const key = (message: XmlObject, account = ACCOUNT) => dedupeKey(account, message);

describe('the serialisation dedupe keys rely on (connectors/canonical/json.ts)', () => {
  test('parsed XML values: sorted keys, repeated elements in order, null for absent, JSON string escapes', () => {
    expect(canonicalJson({ b: 'x', a: ['2', '1'], c: { z: '', y: 'é"\\\n' } })).toBe('{"a":["2","1"],"b":"x","c":{"y":"é\\"\\\\\\n","z":""}}');
    expect(canonicalJson(['v1', null, '中'])).toBe('["v1",null,"中"]');
    expect(canonicalJson({ a: '1', b: { c: '2', d: '3' } })).toBe(canonicalJson({ b: { d: '3', c: '2' }, a: '1' }));
  });
});

describe('dedupeKey canonical form, pinned', () => {
  test('message: ["v1","msg",account,MsgType,MsgId,FromUserName]', () => {
    expect(key({ ...head(), MsgType: 'text', Content: 'hi', MsgId: '6054768590064713728' }))
      .toBe('["v1","msg","bank-oa","text","6054768590064713728","oUser"]');
  });

  test('event: ["v1","event",account,FromUserName,CreateTime,Event,...discriminators]', () => {
    expect(key(evt('CLICK', { EventKey: 'V1001' }))).toBe('["v1","event","bank-oa","oUser","1714037058","CLICK","V1001"]');
    expect(key(evt('subscribe'))).toBe('["v1","event","bank-oa","oUser","1714037058","subscribe",null,null]');
    expect(key(evt('scancode_push', { EventKey: '6', ScanCodeInfo: { ScanType: 'qrcode', ScanResult: '1' } })))
      .toBe('["v1","event","bank-oa","oUser","1714037058","scancode_push","6",{"ScanResult":"1","ScanType":"qrcode"}]');
  });

  test('unknown: ["v1","raw",account,sha256(canonicalJson(message))]', () => {
    const message = { ...head(), MsgType: 'file', MsgId: '1' };
    expect(key(message)).toBe(`["v1","raw","bank-oa","${canonicalHash(message)}"]`);
    expect(key(message)).toMatch(/^\["v1","raw","bank-oa","[0-9a-f]{64}"\]$/);
  });

  test('every OA event type has its discriminator list', () => {
    expect(Object.keys(EVENT_DISCRIMINATORS).sort()).toEqual([...OA_EVENT_TYPES].sort());
  });
});

describe('two legitimately different pushes never share a key', () => {
  test('the same MsgId in two accounts', () => {
    const m = { ...head(), MsgType: 'text', Content: 'x', MsgId: '1' };
    expect(key(m, 'bank-oa')).not.toBe(key(m, 'bank-oa-2'));
  });

  test('a subscribe and the LOCATION report Tencent sends in the same second', () => {
    expect(key(evt('subscribe'))).not.toBe(key(evt('LOCATION', { Latitude: '23.1', Longitude: '113.3', Precision: '30' })));
  });

  test('two LOCATION reports in one second at different places', () => {
    expect(key(evt('LOCATION', { Latitude: '23.1', Longitude: '113.3', Precision: '30' }))).not.toBe(key(evt('LOCATION', { Latitude: '23.2', Longitude: '113.3', Precision: '30' })));
  });

  test('two menu CLICKs on different buttons in one second', () => {
    expect(key(evt('CLICK', { EventKey: 'A' }))).not.toBe(key(evt('CLICK', { EventKey: 'B' })));
  });

  test('a scancode_waitmsg event and the text message it produces, same second', () => {
    const scan = evt('scancode_waitmsg', { EventKey: '6', ScanCodeInfo: { ScanType: 'qrcode', ScanResult: 'https://x' } });
    const text = { ...head(), MsgType: 'text', Content: 'https://x', MsgId: '6054768590064713728' };
    expect(key(scan)).not.toBe(key(text));
  });

  test('two scancode_push events with different scan results in one second', () => {
    const scan = (result: string) => evt('scancode_push', { EventKey: '6', ScanCodeInfo: { ScanType: 'qrcode', ScanResult: result } });
    expect(key(scan('a'))).not.toBe(key(scan('b')));
  });

  test('TEMPLATESENDJOBFINISH for two different MsgIDs in one second', () => {
    expect(key(evt('TEMPLATESENDJOBFINISH', { MsgID: '200163836', Status: 'success' }))).not.toBe(key(evt('TEMPLATESENDJOBFINISH', { MsgID: '200163837', Status: 'success' })));
  });

  test('MASSSENDJOBFINISH for two jobs in one second', () => {
    const mass = (id: string) => evt('MASSSENDJOBFINISH', { MsgID: id, Status: 'send success', TotalCount: '1', FilterCount: '1', SentCount: '1', ErrorCount: '0' });
    expect(key(mass('1'))).not.toBe(key(mass('2')));
  });

  test('pic events with different PicMd5Sum lists (including order and length)', () => {
    const pics = (...md5: string[]) => evt('pic_photo_or_album', {
      EventKey: '6', SendPicsInfo: { Count: String(md5.length), PicList: { item: md5.length === 1 ? { PicMd5Sum: md5[0] ?? '' } : md5.map((m) => ({ PicMd5Sum: m })) } },
    });
    const keys = [pics('a'), pics('b'), pics('a', 'b'), pics('b', 'a'), pics('a', 'b', 'c')].map((m) => key(m));
    expect(new Set(keys).size).toBe(keys.length);
  });

  test.each([
    ['subscribe_msg_popup_event', 'SubscribeMsgPopupEvent', { SubscribeStatusString: 'accept', PopupScene: '2' }],
    ['subscribe_msg_change_event', 'SubscribeMsgChangeEvent', { SubscribeStatusString: 'reject' }],
    ['subscribe_msg_sent_event', 'SubscribeMsgSentEvent', { MsgID: '1', ErrorCode: '0', ErrorStatus: 'success' }],
  ])('%s with different template lists in one second', (name, wrapper, rest) => {
    const sub = (...ids: string[]) => evt(name, { [wrapper]: { List: ids.length === 1 ? { TemplateId: ids[0] ?? '', ...rest } : ids.map((id) => ({ TemplateId: id, ...rest })) } });
    const keys = [sub('T1'), sub('T2'), sub('T1', 'T2')].map((m) => key(m));
    expect(new Set(keys).size).toBe(3);
  });

  test('subscribe_msg_popup_event: the same template accepted vs rejected', () => {
    const popup = (status: string) => evt('subscribe_msg_popup_event', { SubscribeMsgPopupEvent: { List: { TemplateId: 'T1', SubscribeStatusString: status, PopupScene: '2' } } });
    expect(key(popup('accept'))).not.toBe(key(popup('reject')));
  });

  test('subscribe via two different QR codes, and subscribe vs SCAN of one code', () => {
    expect(key(evt('subscribe', { EventKey: 'qrscene_1', Ticket: 't1' }))).not.toBe(key(evt('subscribe', { EventKey: 'qrscene_2', Ticket: 't2' })));
    expect(key(evt('subscribe', { EventKey: 'qrscene_1', Ticket: 't1' }))).not.toBe(key(evt('SCAN', { EventKey: '1', Ticket: 't1' })));
  });

  test('values cannot be crafted to collide across fields (each is a JSON string, not a joined text)', () => {
    expect(key(evt('CLICK', { EventKey: 'a","b' }), 'x')).not.toBe(key(evt('CLICK', { EventKey: 'b' }), 'x","a'));
    expect(key(evt('CLICK', { EventKey: '' }))).not.toBe(key(evt('CLICK')));
  });

  test('two unknown pushes that differ in any element', () => {
    expect(key({ ...head(), MsgType: 'event', Event: 'new_thing', A: '1' })).not.toBe(key({ ...head(), MsgType: 'event', Event: 'new_thing', A: '2' }));
  });

  test('changing any discriminating field of any event type changes the key (property)', () => {
    const eventType = fc.constantFrom(...OA_EVENT_TYPES).filter((t) => EVENT_DISCRIMINATORS[t].length > 0);
    fc.assert(fc.property(eventType, fc.nat(), fc.string(), fc.string(), (type, pick, a, b) => {
      fc.pre(a !== b);
      const names = EVENT_DISCRIMINATORS[type];
      const name = names[pick % names.length] as string;
      expect(key(evt(type, { [name]: a }))).not.toBe(key(evt(type, { [name]: b })));
    }));
  });
});

describe("Tencent's retries of one push share a key", () => {
  test.each(['plain', 'compatible', 'safe'] as const)('%s mode: the same push re-sent later with a new nonce, timestamp and AES random', (mode: CallbackMode) => {
    const messages: XmlObject[] = [
      { ...head({ ToUserName: TEST_ACCOUNT.originalId }), MsgType: 'text', Content: '你好', MsgId: '6054768590064713728' },
      { ...evt('pic_weixin', { EventKey: '6', SendPicsInfo: { Count: '2', PicList: { item: [{ PicMd5Sum: 'a' }, { PicMd5Sum: 'b' }] } } }), ToUserName: TEST_ACCOUNT.originalId },
      { ...evt('some_future_event', { Foo: { Bar: 'x' } }), ToUserName: TEST_ACCOUNT.originalId },
    ];
    for (const message of messages) {
      const keys = [String(NOW - 5), String(NOW)].map((timestamp, i) => {
        const push = sealPush(mode, message, { timestamp, nonce: `${1000 + i}`, random: Buffer.alloc(16, i) });
        const opened = openPush({ mode, token: TEST_ACCOUNT.token, aesKey: TEST_AES_KEY, appId: TEST_ACCOUNT.appId, query: push.query, body: push.body, now: NOW, maxSkewSeconds: 300 });
        return toChatEvent({ accountId: ACCOUNT, message: opened.message }).dedupeKey;
      });
      expect(keys[0]).toBe(keys[1]);
    }
  });

  test('the key does not depend on the order of elements in the XML', () => {
    expect(key(evt('scancode_push', { EventKey: '6', ScanCodeInfo: { ScanType: 'qrcode', ScanResult: '1' } })))
      .toBe(key(evt('scancode_push', { ScanCodeInfo: { ScanResult: '1', ScanType: 'qrcode' }, EventKey: '6' })));
  });

  test('a message key ignores fields that are not part of it', () => {
    const m = { ...head(), MsgType: 'text', Content: 'x', MsgId: '1' };
    expect(key(m)).toBe(key({ ...m, CreateTime: '1714037059' }));
  });
});
