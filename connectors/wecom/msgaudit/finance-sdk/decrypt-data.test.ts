import fc from 'fast-check';
import { encryptForStandin } from '../standin/__tests__/standin-cipher';
import { useFinanceStandin } from '../standin/__tests__/use-finance-standin';
import { CORP_ID, readySdk, SECRET } from './__tests__/standin-sdk';

const standin = useFinanceStandin();

beforeEach(() => standin.control.load({ corps: { [CORP_ID]: { secret: SECRET } } }));

const KEY = 'Xk3v9QpL2mN8rT5wY1zB6cF4hJ7dG0sA';

describe('DecryptData through the binding', () => {
  it('decrypts what the TypeScript encoder produced, CJK and emoji included', async () => {
    const sdk = await readySdk(standin);
    const plaintext = JSON.stringify({ msgid: 'm1', action: 'send', msgtype: 'text', text: { content: '您好，理财经理 👋 "quoted" \\ back' } });
    expect(sdk.decryptData(KEY, encryptForStandin(KEY, plaintext))).toBe(plaintext);
  });

  it('round-trips any text under any printable key', async () => {
    const sdk = await readySdk(standin);
    const printableKey = fc.string({ unit: fc.constantFrom(...'!#$%&()*+,-./0123456789:;<=>?@ABCXYZ[]^_`abcxyz{|}~'), minLength: 1, maxLength: 64 });
    fc.assert(
      fc.property(printableKey, fc.string({ unit: 'grapheme', maxLength: 300 }), (key, text) => {
        expect(sdk.decryptData(key, encryptForStandin(key, text))).toBe(text);
      }),
      { numRuns: 60 },
    );
  });

  it("decrypts a message of several megabytes, far beyond koffi's argument heap", async () => {
    const sdk = await readySdk(standin);
    const plaintext = JSON.stringify({ msgid: 'big', text: { content: '长'.repeat(1_500_000) } });
    expect(sdk.decryptData(KEY, encryptForStandin(KEY, plaintext))).toBe(plaintext);
  });

  it('returns an empty plaintext as an empty string', async () => {
    const sdk = await readySdk(standin);
    expect(sdk.decryptData(KEY, encryptForStandin(KEY, ''))).toBe('');
  });

  it('maps a wrong key to 10006 with what to fix, not retryable', async () => {
    const sdk = await readySdk(standin);
    expect(() => sdk.decryptData('another-key-0123', encryptForStandin(KEY, '{}'))).toThrow(expect.objectContaining({
      kind: 'sdk-return',
      operation: 'DecryptData',
      code: 10006,
      retryable: false,
      fix: expect.stringContaining('publickey_ver'),
    }));
  });

  it('maps a ciphertext that is not the stand-in format to 10002', async () => {
    const sdk = await readySdk(standin);
    expect(() => sdk.decryptData(KEY, 'bm90LWEtY2lwaGVydGV4dA==')).toThrow(expect.objectContaining({ code: 10002, retryable: true }));
  });

  it('refuses a plaintext that is not UTF-8 rather than replacing bytes, not retryable', async () => {
    const sdk = await readySdk(standin);
    expect(() => sdk.decryptData(KEY, encryptForStandin(KEY, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])))).toThrow(expect.objectContaining({
      kind: 'bad-output',
      retryable: false,
      message: expect.stringContaining('UTF-8'),
    }));
    expect(standin.control.calls('FreeSlice')).toBe(1);
  });

  it('rejects an encrypt_key that C would cut at a NUL without calling the SDK', async () => {
    const sdk = await readySdk(standin);
    expect(() => sdk.decryptData(`${KEY}\u0000`, encryptForStandin(KEY, '{}'))).toThrow(expect.objectContaining({ kind: 'invalid-argument', code: 10000 }));
    expect(() => sdk.decryptData(KEY, '')).toThrow(expect.objectContaining({ kind: 'invalid-argument', code: 10000 }));
    expect(standin.control.calls('DecryptData')).toBe(0);
  });

  it('decrypts many messages one after another without mixing them up or leaking', async () => {
    const sdk = await readySdk(standin);
    const texts = Array.from({ length: 200 }, (_, i) => JSON.stringify({ msgid: `m${i}`, text: { content: 'x'.repeat(i) } }));
    const keys = texts.map((_, i) => `${KEY.slice(0, 20)}${i}`);
    const plaintexts = texts.map((text, i) => sdk.decryptData(keys[i]!, encryptForStandin(keys[i]!, text)));
    expect(plaintexts).toEqual(texts);
    expect(standin.control.calls('FreeSlice')).toBe(200);
    expect(standin.control.liveAllocations()).toBe(3); // only the handle and its corpid/secret copies
  });

  it('runs on the calling thread: the plaintext is there when the call returns', async () => {
    const sdk = await readySdk(standin);
    const calls = standin.control.calls('DecryptData');
    const plaintext = sdk.decryptData(KEY, encryptForStandin(KEY, '{"a":1}'));
    // No await in between: a call handed to a koffi worker could not have run yet.
    expect(plaintext).toBe('{"a":1}');
    expect(standin.control.calls('DecryptData')).toBe(calls + 1);
  });
});
