import { MsgauditApiError } from './api-error';
import { parseChatDataEnvelope, type ChatDataItem, type RawChatRecord, type UnreadableChatRecord } from './envelope';
import { MsgauditParseError } from './errors';
import { compareSeq } from './seq';
import { envelope, envelopeText, record } from './__tests__/fixtures';

function parseError(run: () => unknown): MsgauditParseError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(MsgauditParseError);
    return err as MsgauditParseError;
  }
  throw new Error('expected MsgauditParseError');
}

const records = (items: ChatDataItem[]) => items.filter((i): i is RawChatRecord => i.kind === 'record');

describe('parseChatDataEnvelope: good answers (wecom.md §6.4)', () => {
  test('reads every record with its fields as sent and seq as a decimal string', () => {
    const result = parseChatDataEnvelope(envelopeText('three-records'));
    expect(result.errcode).toBe(0);
    expect(result.errmsg).toBe('ok');
    expect(result.chatdata.map((r) => r.seq)).toEqual(['196', '197', '198']);
    expect(result.chatdata[0]).toEqual({
      kind: 'record', seq: '196', msgid: '1000000000000000100_1714037058_external', publickey_ver: 3,
      encrypt_random_key: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/), encrypt_chat_msg: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
    });
  });

  test('an empty batch is an empty list, not an error', () => {
    expect(parseChatDataEnvelope(envelopeText('empty')).chatdata).toEqual([]);
  });

  test('keeps a seq of 2^64 − 1 exactly', () => {
    expect(parseChatDataEnvelope(envelopeText('max-seq')).chatdata[0]?.seq).toBe('18446744073709551615');
  });

  test('accepts UTF-8 bytes as the SDK slice holds them', () => {
    expect(parseChatDataEnvelope(Buffer.from(envelopeText('three-records'))).chatdata).toHaveLength(3);
  });

  test('allows gaps between seqs (continuity is reconciled by the puller)', () => {
    expect(parseChatDataEnvelope(envelope([record(5), record(9), record(200)])).chatdata.map((r) => r.seq)).toEqual(['5', '9', '200']);
  });

  test('a missing errmsg reads as ""', () => {
    expect(parseChatDataEnvelope('{"errcode":0,"chatdata":[]}').errmsg).toBe('');
  });

  test('ignores fields Tencent may add, at the top and in records', () => {
    const result = parseChatDataEnvelope(envelope([record(1, { new_field: [1, 2] })], '"errcode":0,"errmsg":"ok","next_cursor":"x"'));
    expect(records(result.chatdata)).toHaveLength(1);
  });
});

describe('parseChatDataEnvelope: a bad record is returned unreadable, in order, never dropped', () => {
  test('a record with a good seq but a missing field sits between the good ones with its error', () => {
    const result = parseChatDataEnvelope(envelope([record(1), record(2, { encrypt_chat_msg: undefined }), record(3)]));
    expect(result.chatdata.map((r) => [r.seq, r.kind])).toEqual([['1', 'record'], ['2', 'unreadable'], ['3', 'record']]);
    const bad = result.chatdata[1] as UnreadableChatRecord;
    expect(bad.index).toBe(1);
    expect(bad.error).toMatchObject({ code: 'missing-field', path: 'chatdata[1].encrypt_chat_msg', seq: '2', index: 1 });
    expect(bad.record).toEqual({ seq: 2, msgid: 'm2', publickey_ver: 3, encrypt_random_key: 'cmFuZG9t' });
  });

  test.each([
    ['msgid a number', 'bad-field', 'msgid', { msgid: 7 }],
    ['msgid too long', 'bad-field', 'msgid', { msgid: 'm'.repeat(257) }],
    ['publickey_ver negative', 'bad-field', 'publickey_ver', { publickey_ver: -1 }],
    ['publickey_ver beyond uint32', 'bad-field', 'publickey_ver', { publickey_ver: 2 ** 32 }],
    ['publickey_ver missing', 'missing-field', 'publickey_ver', { publickey_ver: undefined }],
    ['encrypt_random_key null', 'missing-field', 'encrypt_random_key', { encrypt_random_key: null }],
    ['encrypt_random_key too long', 'bad-field', 'encrypt_random_key', { encrypt_random_key: 'A'.repeat(1025) }],
  ])('%s -> unreadable %s', (_name, code, field, fields) => {
    const item = parseChatDataEnvelope(envelope([record(4, fields)])).chatdata[0] as UnreadableChatRecord;
    expect(item.kind).toBe('unreadable');
    expect(item.error).toMatchObject({ code, path: `chatdata[0].${field}`, subject: 'envelope', retryable: false });
  });

  test('a publickey_ver with a fraction keeps its source text in the record', () => {
    const item = parseChatDataEnvelope(envelope(['{"seq":4,"msgid":"m","publickey_ver":3.0,"encrypt_random_key":"a","encrypt_chat_msg":"b"}'])).chatdata[0] as UnreadableChatRecord;
    expect(item.error.code).toBe('bad-field');
    expect(item.record.publickey_ver).toBe('3.0');
  });
});

describe('parseChatDataEnvelope: refused answers', () => {
  test('errcode 301052 is MsgauditApiError: not retryable, says to renew, errmsg kept scrubbed', () => {
    let error: unknown;
    try {
      parseChatDataEnvelope(envelopeText('errcode-301052'));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MsgauditApiError);
    expect(error).toMatchObject({ errcode: 301052, retry: 'never', retryable: false, code: 'tencent.301052' });
    expect((error as Error).message).toContain('expired');
    expect((error as MsgauditApiError).errmsg).toContain('msgaudit service expired');
  });

  test.each([
    [301053, 'never', 'not enabled'],
    [301058, 'reduce-limit', 'smaller batch'],
    [-1, 'backoff', 'busy'],
    [42001, 'backoff', 'expired'],
    [40001, 'never', '会话内容存档 secret'],
    [99999, 'never', ''],
  ])('errcode %p -> retry %s', (errcode, retry, hint) => {
    expect(() => parseChatDataEnvelope(`{"errcode":${errcode},"errmsg":"x"}`)).toThrow(expect.objectContaining({ errcode, retry }));
    expect(() => parseChatDataEnvelope(`{"errcode":${errcode},"errmsg":"x"}`)).toThrow(hint);
  });

  test('60020 names the IP to add to the trusted list', () => {
    expect(() => parseChatDataEnvelope('{"errcode":60020,"errmsg":"not allow to access from your ip, hint: [1], from ip: 198.51.100.9, more info"}')).toThrow('add 198.51.100.9');
  });

  test('the first record must be after the seq the pull asked after (no restart at 0)', () => {
    const error = parseError(() => parseChatDataEnvelope(envelope([record(100), record(101)]), { afterSeq: '100' }));
    expect(error).toMatchObject({ code: 'seq-not-after-cursor', seq: '100', index: 0, retryable: true });
    expect(parseChatDataEnvelope(envelope([record(101)]), { afterSeq: '100' }).chatdata).toHaveLength(1);
    expect(parseChatDataEnvelope(envelope([record(1)]), { afterSeq: '0' }).chatdata).toHaveLength(1);
  });

  test('compares seqs beyond 2^53 exactly', () => {
    const a = '9007199254740993';
    const b = '9007199254740992';
    expect(parseError(() => parseChatDataEnvelope(envelope([record(a), record(b)]))).code).toBe('seq-not-increasing');
    expect(parseChatDataEnvelope(envelope([record(b), record(a)])).chatdata.map((r) => r.seq)).toEqual([b, a]);
  });

  test('a malformed afterSeq is a programming error', () => {
    expect(() => parseChatDataEnvelope(envelope([]), { afterSeq: '-1' })).toThrow(RangeError);
  });

  test('envelope errors are retryable (pulling again is an idempotent read)', () => {
    expect(parseError(() => parseChatDataEnvelope('{"errcode":0,'))).toMatchObject({ code: 'malformed-json', subject: 'envelope', retryable: true });
  });

  test('limits can be tightened per call', () => {
    const text = envelope([record(1), record(2), record(3)]);
    expect(parseError(() => parseChatDataEnvelope(text, { limits: { maxRecords: 2 } })).code).toBe('too-many-records');
    expect(parseError(() => parseChatDataEnvelope(text, { limits: { maxBytes: 64 } })).code).toBe('too-large');
  });
});

describe('compareSeq', () => {
  test.each([
    ['1', '2', -1], ['10', '9', 1], ['18446744073709551615', '18446744073709551614', 1], ['42', '42', 0],
  ])('%s vs %s -> %p', (a, b, expected) => {
    expect(compareSeq(a, b)).toBe(expected);
  });
});
