import { canonicalHash, canonicalJson } from '../../../canonical/json';
import { MSGAUDIT_MESSAGE_TYPES, type MsgauditEvent, type MsgauditJsonObject, type MsgauditMedia } from '../../../canonical/msgaudit-event';
import { msgauditDedupeKey } from './dedupe-key';
import { parseDecryptedMessage } from './decrypted-message';
import { MsgauditParseError } from './errors';
import { CORP_ID, messageNames, messageText, sourceFor } from './__tests__/fixtures';

const CUST_A = 'wmSyntheticCustomerA000000000000';
const CUST_B = 'wmSyntheticCustomerB000000000000';
const ROOM = 'wrSyntheticGroupRoom000000000001';
const sdk = (tag: string) => Buffer.from(`SYNTHETIC-sdkfileid-${tag}`).toString('base64');

interface Expected {
  type: MsgauditEvent['type'];
  fields: MsgauditJsonObject;
  media?: MsgauditMedia[];
  common?: Partial<Pick<MsgauditEvent, 'from' | 'tolist' | 'roomid' | 'msgtime' | 'action' | 'msgtype'>>;
}

/** The canonical event of every fixture in fixtures/messages. */
const EXPECTED: Record<string, Expected> = {
  text: {
    type: 'text', fields: { content: '您好，这是合成的测试消息。' },
    common: { action: 'send', from: 'rm.zhang', tolist: [CUST_A], roomid: null, msgtime: 1714037059000, msgtype: 'text' },
  },
  'text-group': { type: 'text', fields: { content: '群里的合成消息 @rm.li' }, common: { roomid: ROOM, tolist: ['rm.li', CUST_A, CUST_B] } },
  image: {
    type: 'image', fields: { md5Sum: '78805a221a988e79ef3f42d7c5bfd418', fileSize: 70961, sdkFileId: sdk('image') },
    media: [{ path: 'image', msgtype: 'image', sdkfileid: sdk('image'), md5sum: '78805a221a988e79ef3f42d7c5bfd418', filesize: 70961, fileext: 'jpg' }],
    common: { msgtime: 0 },
  },
  revoke: { type: 'revoke', fields: { preMsgId: '1000000000000000001_1714037058' }, common: { action: 'recall' } },
  agree: { type: 'agree', fields: { userId: CUST_A, agreeTime: 1714037063000 }, common: { from: CUST_A, tolist: ['rm.zhang'] } },
  disagree: { type: 'disagree', fields: { userId: CUST_B, disagreeTime: 1714037064000 } },
  voice: {
    type: 'voice', fields: { md5Sum: 'b95677216e439d96ec4fba1240a3c1f8', voiceSize: 6810, playLength: 10, sdkFileId: sdk('voice') },
    media: [{ path: 'voice', msgtype: 'voice', sdkfileid: sdk('voice'), md5sum: 'b95677216e439d96ec4fba1240a3c1f8', filesize: 6810, fileext: 'amr' }],
  },
  video: {
    type: 'video', fields: { md5Sum: '421b47ffd946ca083b65cd668c6b17e6', fileSize: 15169724, playLength: 108, sdkFileId: sdk('video') },
    media: [{ path: 'video', msgtype: 'video', sdkfileid: sdk('video'), md5sum: '421b47ffd946ca083b65cd668c6b17e6', filesize: 15169724, fileext: 'mp4' }],
  },
  card: { type: 'card', fields: { corpName: '合成联系人', userId: CUST_B } },
  location: { type: 'location', fields: { longitude: '116.586285899', latitude: '39.911125799', address: '北京市合成区测试路1号', title: '合成测试中心', zoom: 15 } },
  emotion: {
    type: 'emotion', fields: { type: 1, width: 290, height: 290, imageSize: 962604, md5Sum: '7b5c057fdbccf8ff09a6b9df763ace87', sdkFileId: sdk('emotion') },
    media: [{ path: 'emotion', msgtype: 'emotion', sdkfileid: sdk('emotion'), md5sum: '7b5c057fdbccf8ff09a6b9df763ace87', filesize: 962604, fileext: 'gif' }],
  },
  file: {
    type: 'file', fields: { md5Sum: '8c7dd922ad47494fc02c388e12c00eac', fileName: '合成资料.docx', fileExt: 'docx', fileSize: 18181, sdkFileId: sdk('file') },
    media: [{ path: 'file', msgtype: 'file', sdkfileid: sdk('file'), md5sum: '8c7dd922ad47494fc02c388e12c00eac', filesize: 18181, fileext: 'docx' }],
  },
  link: { type: 'link', fields: { title: '邀请你加入群聊', description: '合成的链接描述', linkUrl: 'https://example.invalid/join?vcode=synthetic', imageUrl: 'https://example.invalid/pic/0' } },
  weapp: { type: 'weapp', fields: { title: '服务须知', description: '客户需同意存档聊天记录', userName: 'synthetic@app', displayName: '合成小程序' } },
  chatrecord: {
    type: 'chatrecord',
    fields: {
      title: '群聊的聊天记录',
      items: [
        { type: 'ChatRecordText', msgTime: 1714030000, fromChatroom: false, msgtype: 'text', fields: { content: '转发的第一条' } },
        { type: 'ChatRecordImage', msgTime: 1714030010, fromChatroom: true, msgtype: 'image', fields: { md5Sum: 'a9dab96b2ff01ab1145091abb8c8f693', fileSize: 1024, sdkFileId: sdk('cr-image') } },
        {
          type: 'ChatRecordMixed', msgTime: 1714030020, fromChatroom: false, msgtype: 'mixed',
          fields: {
            items: [
              { type: 'text', msgtype: 'text', fields: { content: '混合里的文字' } },
              { type: 'image', msgtype: 'image', fields: { md5Sum: 'af7692f78d0283890a544633a0dc55a1', fileSize: 2048, sdkFileId: sdk('cr-mixed-image') } },
            ],
          },
        },
        { type: 'ChatRecordSomethingNew', msgTime: 1714030030, fromChatroom: false, msgtype: null, content: '{"whatever":1}' },
      ],
    },
    media: [
      { path: 'chatrecord.item[1]', msgtype: 'image', sdkfileid: sdk('cr-image'), md5sum: 'a9dab96b2ff01ab1145091abb8c8f693', filesize: 1024, fileext: 'jpg' },
      { path: 'chatrecord.item[2].content.item[1]', msgtype: 'image', sdkfileid: sdk('cr-mixed-image'), md5sum: 'af7692f78d0283890a544633a0dc55a1', filesize: 2048, fileext: 'jpg' },
    ],
  },
  todo: { type: 'todo', fields: { title: '合成待办来源', content: '请在周五前回复客户' }, common: { roomid: ROOM } },
  vote: { type: 'vote', fields: { voteTitle: '合成投票', voteItems: ['选项一', '选项二'], voteType: 101, voteId: '2707235395413271556' } },
  collect: {
    type: 'collect',
    fields: {
      roomName: '合成群', creator: 'rm.zhang', createTime: '2024-04-25 11:21:22', title: '合成填表',
      details: [
        { id: 1, question: '表项1，文本', type: 'Text' }, { id: 2, question: '表项2，数字', type: 'Number' },
        { id: 3, question: '表项3，日期', type: 'Date' }, { id: 4, question: '表项4，时间', type: 'Time' },
      ],
    },
  },
  redpacket: { type: 'redpacket', fields: { type: 1, wish: '恭喜发财，大吉大利', totalCount: 1, totalAmount: 3000 } },
  meeting: {
    type: 'meeting',
    fields: { topic: '合成夕会', startTime: 1714040000, endTime: 1714043600, address: '', remarks: '', meetingType: 102, meetingId: 1210342560, status: 1 },
  },
  docmsg: { type: 'docmsg', fields: { title: '合成在线文档', docCreator: 'rm.zhang', linkUrl: 'https://doc.example.invalid/txdoc/excel?docid=synthetic' } },
  markdown: { type: 'markdown', fields: { content: '**请前往系统查看**，谢谢。' }, common: { from: 'wbSyntheticRobot0000000000000000' } },
  news: { type: 'news', fields: { items: [{ title: '合成图文', description: '合成描述', url: 'https://example.invalid/news/1', picUrl: 'https://example.invalid/news/1.jpg' }] } },
  calendar: {
    type: 'calendar',
    fields: { title: '合成业绩复盘会', creatorName: 'rm.zhang', attendeeNames: ['rm.li', 'rm.wang'], startTime: 1714050000, endTime: 1714053600, place: '三楼会议室', remarks: '' },
  },
  mixed: {
    type: 'mixed',
    fields: {
      items: [
        { type: 'text', msgtype: 'text', fields: { content: '你好[微笑]\n' } },
        { type: 'image', msgtype: 'image', fields: { md5Sum: '295397b941ec8a4769e91c6bb2af3f94', fileSize: 13177, sdkFileId: sdk('mixed-image') } },
      ],
    },
    media: [{ path: 'mixed.item[1]', msgtype: 'image', sdkfileid: sdk('mixed-image'), md5sum: '295397b941ec8a4769e91c6bb2af3f94', filesize: 13177, fileext: 'jpg' }],
  },
  meeting_voice_call: {
    type: 'meeting_voice_call',
    fields: {
      voiceId: 'grSyntheticVoice0000000000000001', endTime: 1714037635, sdkFileId: sdk('meeting-voice-call'),
      demoFiles: [{ fileName: 'synthetic-share.docx', demoOperator: 'rm.zhang', startTime: 1714037599, endTime: 1714037609 }],
      shareScreens: [{ share: 'rm.zhang', startTime: 1714037624, endTime: 1714037624 }],
    },
    media: [{ path: 'meeting_voice_call', msgtype: 'meeting_voice_call', sdkfileid: sdk('meeting-voice-call') }],
    common: { roomid: null },
  },
  voip_doc_share: {
    type: 'voip_doc_share',
    fields: { voipId: 'grSyntheticVoip00000000000000001', fileName: '合成共享.pdf', md5Sum: '92ee0c1d4d362dc631df697bcd66c521', fileSize: 4400654, sdkFileId: sdk('voip-doc') },
    media: [{ path: 'voip_doc_share', msgtype: 'voip_doc_share', sdkfileid: sdk('voip-doc'), md5sum: '92ee0c1d4d362dc631df697bcd66c521', filesize: 4400654 }],
  },
  external_redpacket: { type: 'external_redpacket', fields: { type: 1, wish: '恭喜发财，大吉大利', totalCount: 2, totalAmount: 20 }, common: { from: CUST_A } },
  sphfeed: { type: 'sphfeed', fields: { feedType: 4, sphName: '合成视频号', feedDesc: '合成的视频号描述\n\n#合成' } },
  voiptext: { type: 'voiptext', fields: { callDuration: 125, inviteType: 1 } },
  qydiskfile: { type: 'qydiskfile', fields: { fileName: '合成微盘文件.xlsx' } },
  meeting_notification: { type: 'meeting_notification', fields: { content: '合成会议将于15:00开始', meetingId: 1234567890123, notificationType: 1 } },
  switch: {
    type: 'switch', fields: { user: 'rm.zhang', time: 1714037157000 },
    common: { action: 'switch', msgtype: null, from: 'rm.zhang', tolist: [], roomid: null, msgtime: 1714037157000 },
  },
  'unknown-type': { type: 'unknown', fields: {}, common: { msgtype: 'solitaire', from: 'rm.zhang', roomid: ROOM, msgtime: 1714037092000 } },
};

function parse(name: string): MsgauditEvent {
  const text = messageText(name);
  return parseDecryptedMessage(text, sourceFor(text));
}

describe('parseDecryptedMessage: every fixture (wecom.md §6.5)', () => {
  test('every fixture has an expectation and every expectation a fixture', () => {
    expect(messageNames()).toEqual(Object.keys(EXPECTED).sort());
  });

  test('every msgtype of the reference has a fixture', () => {
    const covered = new Set(Object.values(EXPECTED).map((e) => e.type));
    for (const type of MSGAUDIT_MESSAGE_TYPES) expect([type, covered.has(type)]).toEqual([type, true]);
  });

  test.each(Object.entries(EXPECTED))('%s -> canonical event', (name, expected) => {
    const text = messageText(name);
    const event = parseDecryptedMessage(text, sourceFor(text, '4242'));
    expect(event.type).toBe(expected.type);
    expect(event.fields).toEqual(expected.fields);
    expect(event.media).toEqual(expected.media ?? []);
    expect(event).toMatchObject({ channel: 'wecom-msgaudit', corpId: CORP_ID, seq: '4242', publickeyVer: 3, ...expected.common });
    expect(event.msgid).toBe(sourceFor(text).record.msgid);
    expect(event.dedupeKey).toBe(msgauditDedupeKey(CORP_ID, event.msgid));
    expect(event.raw).toEqual(rawOf(text));
    expect(event.rawHash).toBe(canonicalHash(event.raw));
  });
});

/** The fixture as plain JSON, with the source text of non-integer numbers (coordinates). */
function rawOf(text: string): unknown {
  return JSON.parse(text.replace(/:(-?\d+\.\d+)/g, ':"$1"'));
}

describe('parseDecryptedMessage: semantics', () => {
  test('a recall links the recalled msgid, whose archive key is computable from it', () => {
    const event = parse('revoke');
    expect(event.recalledMsgid).toBe('1000000000000000001_1714037058');
    expect(msgauditDedupeKey(CORP_ID, event.recalledMsgid as string)).toBe(canonicalJson(['v1', 'msgaudit', CORP_ID, '1000000000000000001_1714037058']));
  });

  test('agree and disagree carry the external userid and the time for the consent ledger', () => {
    expect(parse('agree').consent).toEqual({ decision: 'agree', externalUserId: CUST_A, at: 1714037063000 });
    expect(parse('disagree').consent).toEqual({ decision: 'disagree', externalUserId: CUST_B, at: 1714037064000 });
    expect(parse('text').consent).toBeUndefined();
  });

  test('an unknown msgtype is kept with raw, its payload untouched', () => {
    const event = parse('unknown-type');
    expect(event.type).toBe('unknown');
    expect(event.raw.solitaire).toEqual({ title: '合成接龙', entries: ['1. 张', '2. 李'] });
  });

  test('an unknown action is kept as unknown, even with a known msgtype', () => {
    const text = messageText('text').replace('"action":"send"', '"action":"edit"');
    const event = parseDecryptedMessage(text, sourceFor(text));
    expect(event).toMatchObject({ type: 'unknown', action: 'edit', msgtype: 'text', from: 'rm.zhang' });
  });

  test('an unknown type with malformed common fields is still kept (nulls), not refused', () => {
    const text = '{"msgid":"u-1","action":"send","msgtype":"future","from":7,"tolist":"x","roomid":5,"msgtime":"soon"}';
    expect(parseDecryptedMessage(text, sourceFor(text))).toMatchObject({ type: 'unknown', from: null, tolist: [], roomid: null, msgtime: null });
  });

  test('the raw form keeps ids beyond 2^53 and coordinates exactly, as source text', () => {
    const meeting = messageText('meeting').replace('"meetingid":1210342560', '"meetingid":18446744073709551615');
    const event = parseDecryptedMessage(meeting, sourceFor(meeting));
    expect(event.fields.meetingId).toBe('18446744073709551615');
    expect((event.raw.meeting as MsgauditJsonObject).meetingid).toBe('18446744073709551615');
    const location = messageText('location').replace('"longitude":116.586285899', '"longitude":116.50');
    const place = parseDecryptedMessage(location, sourceFor(location));
    expect(place.fields.longitude).toBe('116.50');
    expect((place.raw.location as MsgauditJsonObject).longitude).toBe('116.50');
    expect(() => canonicalJson(event.raw)).not.toThrow();
    expect(() => canonicalJson(place.raw)).not.toThrow();
  });

  test('an integer field with a fraction is refused, not rounded', () => {
    const text = messageText('meeting').replace('"status":1', '"status":1.5');
    expect(() => parseDecryptedMessage(text, sourceFor(text))).toThrow(expect.objectContaining({ code: 'bad-field', path: 'meeting.status' }));
  });

  test('fields not named by a rule stay out of fields but are kept in raw', () => {
    const text = messageText('text').replace('"content":', '"quote":"CANARY","content":');
    const event = parseDecryptedMessage(text, sourceFor(text));
    expect(event.fields).toEqual({ content: '您好，这是合成的测试消息。' });
    expect((event.raw.text as MsgauditJsonObject).quote).toBe('CANARY');
  });

  test('accepts UTF-8 bytes as DecryptData returns them, with or without a BOM', () => {
    const text = messageText('text');
    expect(parseDecryptedMessage(Buffer.from(text), sourceFor(text)).fields.content).toBe('您好，这是合成的测试消息。');
    expect(parseDecryptedMessage(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), sourceFor(text)).type).toBe('text');
  });

  test('item types named like Object.prototype members are unknown items, not lookups', () => {
    const text = '{"msgid":"x","action":"send","from":"a","tolist":[],"msgtime":1,"msgtype":"chatrecord","chatrecord":{"item":['
      + '{"type":"constructor","content":"{}"},{"type":"__proto__","content":"{}"},{"type":"toString","content":"{}"}]}}';
    const items = parseDecryptedMessage(text, sourceFor(text)).fields.items as MsgauditJsonObject[];
    expect(items.map((i) => [i.type, i.msgtype])).toEqual([['constructor', null], ['__proto__', null], ['toString', null]]);
  });

  test('markdown accepts the info.markdown spelling some SDKs model', () => {
    const text = messageText('markdown').replace('"info":{"content"', '"info":{"markdown"');
    expect(parseDecryptedMessage(text, sourceFor(text)).fields).toEqual({ content: '**请前往系统查看**，谢谢。' });
  });

  test('an empty md5sum means nothing to check: the media descriptor omits it', () => {
    const text = messageText('image').replace(/"md5sum":"[0-9a-f]+"/, '"md5sum":""');
    expect(parseDecryptedMessage(text, sourceFor(text)).media[0]).toEqual({ path: 'image', msgtype: 'image', sdkfileid: sdk('image'), filesize: 70961, fileext: 'jpg' });
  });

  test('an emotion of an unknown type has no expected extension', () => {
    const text = messageText('emotion').replace('"type":1', '"type":9');
    expect(parseDecryptedMessage(text, sourceFor(text)).media[0]?.fileext).toBeUndefined();
  });

  test('integers sent as digit strings are read as numbers (SDK layers re-encode them)', () => {
    const text = messageText('file').replace('"filesize":18181', '"filesize":"18181"');
    expect(parseDecryptedMessage(text, sourceFor(text)).media[0]?.filesize).toBe(18181);
  });

  test('the same message under another seq has the same dedupe key and raw hash', () => {
    const text = messageText('text');
    const a = parseDecryptedMessage(text, sourceFor(text, '10'));
    const b = parseDecryptedMessage(text, sourceFor(text, '99'));
    expect([a.dedupeKey, a.rawHash]).toEqual([b.dedupeKey, b.rawHash]);
    expect(parseDecryptedMessage(text, { ...sourceFor(text), corpId: 'wwOtherCorp' }).dedupeKey).not.toBe(a.dedupeKey);
  });

  test('the limits can be tightened per call', () => {
    const text = messageText('text-group');
    expect(() => parseDecryptedMessage(text, sourceFor(text), { maxArrayLength: 2 })).toThrow(expect.objectContaining({ code: 'array-too-long' }));
    expect(() => parseDecryptedMessage(text, sourceFor(text), { maxBytes: 100 })).toThrow(expect.objectContaining({ code: 'too-large' }));
  });

  test('message errors are not retryable and name the field', () => {
    const text = messageText('image').replace(/"sdkfileid":"[^"]+"/, '"sdkfileid":""');
    let error: unknown;
    try {
      parseDecryptedMessage(text, sourceFor(text));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MsgauditParseError);
    expect(error).toMatchObject({ code: 'bad-field', subject: 'message', retryable: false, path: 'image.sdkfileid' });
  });
});
