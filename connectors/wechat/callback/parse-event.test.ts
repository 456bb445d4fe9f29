import { OA_EVENT_TYPES, OA_MESSAGE_TYPES, type ChatEvent } from '../../canonical/chat-event';
import { dedupeKey } from './dedupe-key';
import { CallbackError } from './errors';
import { toChatEvent } from './parse-event';
import { parseXml } from './xml';

const HEAD = '<ToUserName><![CDATA[gh_0011223344aa]]></ToUserName><FromUserName><![CDATA[oUser]]></FromUserName><CreateTime>1714037058</CreateTime>';
const msg = (type: string, rest: string) => `<xml>${HEAD}<MsgType><![CDATA[${type}]]></MsgType>${rest}<MsgId>6054768590064713728</MsgId></xml>`;
const evt = (name: string, rest = '') => `<xml>${HEAD}<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${name}]]></Event>${rest}</xml>`;
const cdata = (name: string, value: string) => `<${name}><![CDATA[${value}]]></${name}>`;

function event(xml: string): ChatEvent {
  return toChatEvent({ accountId: 'bank-oa', message: parseXml(xml) });
}

describe('toChatEvent: messages (wechat-oa.md §3)', () => {
  test.each([
    ['text', cdata('Content', '你好'), 'message.text', { content: '你好' }],
    ['text', cdata('Content', 'Yes') + cdata('bizmsgmenuid', '101'), 'message.text', { content: 'Yes', bizMsgMenuId: '101' }],
    ['image', cdata('PicUrl', 'http://p/1.jpg') + cdata('MediaId', 'm1'), 'message.image', { picUrl: 'http://p/1.jpg', mediaId: 'm1' }],
    ['voice', cdata('MediaId', 'm1') + cdata('Format', 'amr'), 'message.voice', { mediaId: 'm1', format: 'amr' }],
    ['voice', cdata('MediaId', 'm1') + cdata('Format', 'speex') + cdata('Recognition', '腾讯微信团队') + cdata('MediaId16K', 'm16'), 'message.voice',
      { mediaId: 'm1', format: 'speex', recognition: '腾讯微信团队', mediaId16K: 'm16' }],
    ['video', cdata('MediaId', 'm1') + cdata('ThumbMediaId', 't1'), 'message.video', { mediaId: 'm1', thumbMediaId: 't1' }],
    ['shortvideo', cdata('MediaId', 'm1') + cdata('ThumbMediaId', 't1'), 'message.shortvideo', { mediaId: 'm1', thumbMediaId: 't1' }],
    ['location', '<Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale>' + cdata('Label', '位置信息'), 'message.location',
      { latitude: '23.134521', longitude: '113.358803', scale: '20', label: '位置信息' }],
    ['link', cdata('Title', 't') + cdata('Description', 'd') + cdata('Url', 'https://u'), 'message.link', { title: 't', description: 'd', url: 'https://u' }],
    ['miniprogrampage', cdata('AppId', 'wxapp') + cdata('Title', 't') + cdata('PagePath', 'p/i') + cdata('ThumbUrl', 'http://t') + cdata('ThumbMediaId', 'tm'),
      'message.miniprogrampage', { appId: 'wxapp', title: 't', pagePath: 'p/i', thumbUrl: 'http://t', thumbMediaId: 'tm' }],
  ])('%s -> %s with canonical fields', (type, rest, expectedType, fields) => {
    const e = event(msg(type, rest));
    expect(e).toMatchObject({ channel: 'wechat-oa', accountId: 'bank-oa', toUserName: 'gh_0011223344aa', fromUserName: 'oUser', createTime: 1714037058, type: expectedType, msgType: type });
    expect(e.fields).toEqual(fields);
    expect(e.msgId).toBe('6054768590064713728');
    expect(e.event).toBeUndefined();
  });

  test('keeps MsgId as the exact string (it exceeds 2^53)', () => {
    const e = event(msg('text', cdata('Content', 'x')).replace('6054768590064713728', '18446744073709551615'));
    expect(e.msgId).toBe('18446744073709551615');
  });

  test('keeps raw as every element parsed and sets the dedupe key', () => {
    const message = parseXml(msg('text', cdata('Content', 'x') + cdata('Unlisted', 'kept')));
    const e = toChatEvent({ accountId: 'bank-oa', message });
    expect(e.raw).toBe(message);
    expect(e.raw.Unlisted).toBe('kept');
    expect(e.dedupeKey).toBe(dedupeKey('bank-oa', message));
  });

  test('every OA message type in chat-event.ts is recognised', () => {
    for (const type of OA_MESSAGE_TYPES) expect(event(msg(type, '')).type).toBe(`message.${type}`);
  });
});

describe('toChatEvent: events (wechat-oa.md §3)', () => {
  test.each([
    ['subscribe', '', { }],
    ['subscribe', cdata('EventKey', 'qrscene_123123') + cdata('Ticket', 'TICKET'), { eventKey: 'qrscene_123123', ticket: 'TICKET', qrScene: '123123' }],
    ['subscribe', cdata('EventKey', ''), { eventKey: '' }],
    ['unsubscribe', '', {}],
    ['SCAN', cdata('EventKey', '123123') + cdata('Ticket', 'TICKET'), { eventKey: '123123', ticket: 'TICKET', qrScene: '123123' }],
    ['LOCATION', '<Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>',
      { latitude: '23.137466', longitude: '113.352425', precision: '119.385040' }],
    ['CLICK', cdata('EventKey', 'V1001_TODAY_MUSIC'), { eventKey: 'V1001_TODAY_MUSIC' }],
    ['VIEW', cdata('EventKey', 'https://www.qq.com/') + '<MenuId>208379533</MenuId>', { eventKey: 'https://www.qq.com/', menuId: '208379533' }],
    ['scancode_push', cdata('EventKey', '6') + `<ScanCodeInfo>${cdata('ScanType', 'qrcode')}${cdata('ScanResult', '1')}</ScanCodeInfo>`,
      { eventKey: '6', scanType: 'qrcode', scanResult: '1' }],
    ['scancode_waitmsg', cdata('EventKey', '6') + `<ScanCodeInfo>${cdata('ScanType', 'barcode')}${cdata('ScanResult', 'EAN_13,6901')}</ScanCodeInfo>`,
      { eventKey: '6', scanType: 'barcode', scanResult: 'EAN_13,6901' }],
    ['pic_sysphoto', cdata('EventKey', '6') + `<SendPicsInfo><Count>1</Count><PicList><item>${cdata('PicMd5Sum', '1b5f7c23b5bf75682a53e7b6d163e185')}</item></PicList></SendPicsInfo>`,
      { eventKey: '6', count: '1', picMd5Sums: ['1b5f7c23b5bf75682a53e7b6d163e185'] }],
    ['pic_photo_or_album', cdata('EventKey', '6') + `<SendPicsInfo><Count>2</Count><PicList><item>${cdata('PicMd5Sum', 'a')}</item><item>${cdata('PicMd5Sum', 'b')}</item></PicList></SendPicsInfo>`,
      { eventKey: '6', count: '2', picMd5Sums: ['a', 'b'] }],
    ['pic_weixin', cdata('EventKey', '6') + '<SendPicsInfo><Count>0</Count><PicList></PicList></SendPicsInfo>', { eventKey: '6', count: '0', picMd5Sums: [] }],
    ['location_select', cdata('EventKey', '6') + `<SendLocationInfo><Location_X>23</Location_X><Location_Y>113</Location_Y><Scale>15</Scale>${cdata('Label', '广州')}${cdata('Poiname', '')}</SendLocationInfo>`,
      { eventKey: '6', latitude: '23', longitude: '113', scale: '15', label: '广州', poiName: '' }],
    ['TEMPLATESENDJOBFINISH', `<MsgID>200163836</MsgID>${cdata('Status', 'failed: system failed')}`, { msgId: '200163836', status: 'failed: system failed' }],
    ['MASSSENDJOBFINISH', `<MsgID>1988</MsgID>${cdata('Status', 'send success')}<TotalCount>100</TotalCount><FilterCount>80</FilterCount><SentCount>75</SentCount><ErrorCount>5</ErrorCount>`
      + '<CopyrightCheckResult><Count>0</Count><ResultList/><CheckState>1</CheckState></CopyrightCheckResult>',
      { msgId: '1988', status: 'send success', totalCount: '100', filterCount: '80', sentCount: '75', errorCount: '5', copyrightCheckResult: { Count: '0', ResultList: '', CheckState: '1' } }],
    ['subscribe_msg_popup_event', '<SubscribeMsgPopupEvent>'
      + `<List>${cdata('TemplateId', 'T1')}${cdata('SubscribeStatusString', 'accept')}<PopupScene>2</PopupScene></List>`
      + `<List>${cdata('TemplateId', 'T2')}${cdata('SubscribeStatusString', 'reject')}<PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent>`,
      { subscriptions: [{ templateId: 'T1', status: 'accept', popupScene: '2' }, { templateId: 'T2', status: 'reject', popupScene: '2' }] }],
    ['subscribe_msg_change_event', `<SubscribeMsgChangeEvent><List>${cdata('TemplateId', 'T1')}${cdata('SubscribeStatusString', 'reject')}</List></SubscribeMsgChangeEvent>`,
      { subscriptions: [{ templateId: 'T1', status: 'reject' }] }],
    ['subscribe_msg_sent_event', `<SubscribeMsgSentEvent><List>${cdata('TemplateId', 'T1')}<MsgID>1700827132819554304</MsgID><ErrorCode>0</ErrorCode>${cdata('ErrorStatus', 'success')}</List></SubscribeMsgSentEvent>`,
      { subscriptions: [{ templateId: 'T1', msgId: '1700827132819554304', errorCode: '0', errorStatus: 'success' }] }],
  ])('%s -> canonical fields', (name, rest, fields) => {
    const e = event(evt(name, rest));
    expect(e.type).toBe(`event.${name.toLowerCase()}`);
    expect(e.event).toBe(name);
    expect(e.msgType).toBe('event');
    expect(e.fields).toEqual(fields);
  });

  test('TEMPLATESENDJOBFINISH exposes its MsgID (capital ID) as msgId', () => {
    expect(event(evt('TEMPLATESENDJOBFINISH', '<MsgID>200163836</MsgID>')).msgId).toBe('200163836');
  });

  test('matches event names case-insensitively and preserves them as sent', () => {
    const e = event(evt('Scan', cdata('EventKey', '7')));
    expect(e.type).toBe('event.scan');
    expect(e.event).toBe('Scan');
  });

  test('every OA event type in chat-event.ts is recognised', () => {
    for (const name of OA_EVENT_TYPES) expect(event(evt(name)).type).toBe(`event.${name}`);
  });
});

describe('toChatEvent: unknown and broken input', () => {
  test.each([
    ['an unknown MsgType', `<xml>${HEAD}<MsgType>file</MsgType><Title>x</Title><MsgId>1</MsgId></xml>`],
    ['an unknown Event', evt('user_pay_from_pay_cell', '<TransId>1</TransId>')],
    ['an event without Event', `<xml>${HEAD}<MsgType>event</MsgType></xml>`],
    ['an Event named like an Object member', evt('constructor')],
    ['an Event with children', `<xml>${HEAD}<MsgType>event</MsgType><Event><A>1</A></Event></xml>`],
  ])('%s -> type unknown, everything kept in raw, no throw', (_label, xml) => {
    const message = parseXml(xml);
    const e = toChatEvent({ accountId: 'bank-oa', message });
    expect(e.type).toBe('unknown');
    expect(e.fields).toEqual({});
    expect(e.raw).toEqual(message);
  });

  test.each(['ToUserName', 'FromUserName', 'CreateTime', 'MsgType'])('a missing %s -> CallbackError missing-field', (name) => {
    const message = parseXml(msg('text', cdata('Content', 'x')));
    delete message[name];
    expect(() => toChatEvent({ accountId: 'a', message })).toThrow(expect.objectContaining({ code: 'missing-field' }));
    expect(() => toChatEvent({ accountId: 'a', message: { ...parseXml(msg('text', '')), [name]: { A: '1' } } })).toThrow(CallbackError);
    expect(() => toChatEvent({ accountId: 'a', message: { ...parseXml(msg('text', '')), [name]: '' } })).toThrow(CallbackError);
  });

  test.each(['1714037058.5', '-1', ' 1714037058', '1e9', '0x10', '99999999999999999999'])('a CreateTime of %j -> CallbackError bad-field', (value) => {
    const message = { ...parseXml(msg('text', '')), CreateTime: value };
    expect(() => toChatEvent({ accountId: 'a', message })).toThrow(expect.objectContaining({ code: 'bad-field', status: 400 }));
  });
});
