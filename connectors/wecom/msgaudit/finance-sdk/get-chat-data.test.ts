import { generateKeyPairSync } from 'node:crypto';
import { useFinanceStandin } from '../standin/__tests__/use-finance-standin';
import { standinRecord, type StandinChatRecord } from '../standin/__tests__/standin-fixture';
import { CORP_ID, readySdk, SECRET } from './__tests__/standin-sdk';
import { parseChatDataEnvelope, type RawChatRecord } from '../parse/envelope';

const standin = useFinanceStandin();
const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const message = (seq: number) => ({ msgid: `msg-${seq}`, action: 'send', from: 'rm01', tolist: ['wmClient'], roomid: '', msgtime: 1_700_000_000_000 + seq, msgtype: 'text', text: { content: `hello ${seq}` } });
// Seqs with gaps, as Tencent's are: the rule is "after seq", not "from seq+1".
const SEQS = [3, 4, 7, 8, 9, 15, 16];
const records: StandinChatRecord[] = SEQS.map((seq) => standinRecord({ seq, message: message(seq), publickeyVer: 2, publicKey }));

beforeEach(() => standin.control.load({ corps: { [CORP_ID]: { secret: SECRET, chatdata: records } } }));

// Parsing is ../parse's job; these tests only read what crossed the ABI.
const recordsOf = (text: string) => parseChatDataEnvelope(text).chatdata as RawChatRecord[];
const seqsOf = (text: string) => recordsOf(text).map((record) => Number(record.seq));

describe('GetChatData through the binding', () => {
  it('returns the records after the given seq, never the seq itself, at most limit', async () => {
    const sdk = await readySdk(standin);
    expect(seqsOf(await sdk.getChatData(0, 3))).toEqual([3, 4, 7]);
    expect(seqsOf(await sdk.getChatData(7, 1000))).toEqual([8, 9, 15, 16]);
    expect(seqsOf(await sdk.getChatData(16, 10))).toEqual([]);
  });

  it('pages through the whole archive by passing the largest seq seen', async () => {
    const sdk = await readySdk(standin);
    const seen: number[] = [];
    let seq = 0;
    for (let page = 0; page < 10; page++) {
      const batch = seqsOf(await sdk.getChatData(seq, 2));
      if (batch.length === 0) break;
      seen.push(...batch);
      seq = Math.max(...batch);
    }
    expect(seen).toEqual(SEQS);
  });

  it('returns the records exactly as GetChatData lists them', async () => {
    const sdk = await readySdk(standin);
    const [first] = recordsOf(await sdk.getChatData(0, 1));
    expect(first).toEqual({ kind: 'record', ...records[0], seq: '3' });
  });

  it('passes seq, limit, proxy, passwd and timeout to the SDK unchanged', async () => {
    const sdk = await readySdk(standin);
    await sdk.getChatData(2n ** 64n - 1n, 1000, { proxy: 'socks5://10.0.0.1:8081', passwd: 'user_name:passwd_123', timeoutSeconds: 7 });
    expect(standin.control.lastCall()).toMatchObject({
      fn: 'GetChatData',
      seq: '18446744073709551615',
      limit: 1000,
      proxy: 'socks5://10.0.0.1:8081',
      passwd: 'user_name:passwd_123',
      timeout: 7,
    });
  });

  it('sends empty proxy and passwd and a 5 s timeout by default', async () => {
    const sdk = await readySdk(standin);
    await sdk.getChatData(0, 1);
    expect(standin.control.lastCall()).toMatchObject({ proxy: '', passwd: '', timeout: 5 });
  });

  it.each([0, 1001, 1.5, -1, Number.NaN])('rejects limit %p with a 10000 error without calling the SDK', async (limit) => {
    const sdk = await readySdk(standin);
    await expect(sdk.getChatData(0, limit)).rejects.toMatchObject({ kind: 'invalid-argument', code: 10000, retryable: false, message: expect.stringContaining('limit') });
    expect(standin.control.calls('GetChatData')).toBe(0);
  });

  it.each([1, 1000])('accepts limit %p', async (limit) => {
    const sdk = await readySdk(standin);
    expect(seqsOf(await sdk.getChatData(0, limit))).toEqual(SEQS.slice(0, limit));
  });

  // koffi would wrap -1 to 2^64-1 and 2^64 to 0; a number past 2^53 is already imprecise.
  it.each([-1, 2 ** 53, 1.5, -1n, 2n ** 64n])('rejects seq %p without calling the SDK', async (seq) => {
    const sdk = await readySdk(standin);
    await expect(sdk.getChatData(seq, 10)).rejects.toMatchObject({ kind: 'invalid-argument', code: 10000, message: expect.stringContaining('seq') });
    expect(standin.control.calls('GetChatData')).toBe(0);
  });

  it.each([
    ['a proxy with credentials in it', { proxy: 'http://user:pw@10.0.0.1:8080' }],
    ['a proxy without a scheme', { proxy: '10.0.0.1:8080' }],
    ['a passwd with a NUL, which C would cut short', { passwd: 'user:pw\u0000rest' }],
    ['a timeout of 0 seconds', { timeoutSeconds: 0 }],
    ['a fractional timeout', { timeoutSeconds: 2.5 }],
  ])('rejects %s without calling the SDK', async (_what, options) => {
    const sdk = await readySdk(standin);
    await expect(sdk.getChatData(0, 10, options)).rejects.toMatchObject({ kind: 'invalid-argument', code: 10000 });
    expect(standin.control.calls('GetChatData')).toBe(0);
  });

  it('answers an empty batch as no records', async () => {
    standin.control.setMode('GetChatData', 'empty-batch', { count: 1 });
    const sdk = await readySdk(standin);
    expect(recordsOf(await sdk.getChatData(0, 10))).toEqual([]);
  });

  it('hands bad JSON from the SDK to the envelope parser unchanged, which refuses it as retryable', async () => {
    standin.control.setMode('GetChatData', 'bad-json', { count: 1 });
    const sdk = await readySdk(standin);
    const text = await sdk.getChatData(0, 10);
    expect(text).toBe('{"errcode":0,"errmsg":"ok","chatdata":[{"seq":');
    expect(() => parseChatDataEnvelope(text)).toThrow(expect.objectContaining({ name: 'MsgauditParseError', code: 'malformed-json', retryable: true }));
  });

  it('answers a wrong secret inside its JSON (errcode 40001), as the SDK does', async () => {
    standin.control.load({ corps: { [CORP_ID]: { secret: 'another-secret-0000', chatdata: records } } });
    const sdk = await readySdk(standin);
    const text = await sdk.getChatData(0, 10);
    expect(() => parseChatDataEnvelope(text)).toThrow(expect.objectContaining({ errcode: 40001, retryable: false, hint: expect.stringContaining('secret') }));
  });

  it('answers a corp without chat archive with errcode 301053 inside its JSON', async () => {
    standin.control.load({ corps: {} });
    const sdk = await readySdk(standin);
    const text = await sdk.getChatData(0, 10);
    expect(() => parseChatDataEnvelope(text)).toThrow(expect.objectContaining({ errcode: 301053, retryable: false, hint: expect.stringContaining('not enabled') }));
  });
});
