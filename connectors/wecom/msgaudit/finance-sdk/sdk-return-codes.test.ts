import { encryptForStandin } from '../standin/__tests__/standin-cipher';
import { useFinanceStandin } from '../standin/__tests__/use-finance-standin';
import { CORP_ID, readySdk, SECRET } from './__tests__/standin-sdk';
import { FinanceSdkError } from './finance-sdk-error';
import { RETURN_CODES } from './return-codes';

const standin = useFinanceStandin();

beforeEach(() => standin.control.load({ corps: { [CORP_ID]: { secret: SECRET, media: { file: Buffer.from('media') } } } }));

const CODES = Array.from({ length: 12 }, (_, i) => 10000 + i);
const RETRYABLE = new Set([10001, 10002, 10003]);
const KEY = 'key-0123456789';

describe('SDK return codes through the binding', () => {
  it.each(CODES)('maps GetChatData returning %p to a typed error with its retry class and fix', async (code) => {
    standin.control.setMode('GetChatData', 'error', { arg: code, count: 1 });
    const sdk = await readySdk(standin);
    const error = await sdk.getChatData(0, 10).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(FinanceSdkError);
    expect(error).toMatchObject({ kind: 'sdk-return', operation: 'GetChatData', code, retryable: RETRYABLE.has(code), fix: RETURN_CODES[code]!.fix, label: `finance-sdk.${code}` });
    expect((error as Error).message).toContain(String(code));
  });

  it.each([
    [10007, 'DecryptData', "supply the key pair for the message's key version"],
    [10008, 'DecryptData', 'RSA-decrypted encrypt_random_key'],
    [10010, 'GetMediaData', '5 days'],
    [10011, 'GetMediaData', 'certificate'],
  ] as const)('maps %p from %s with its fix', async (code, operation, fix) => {
    standin.control.setMode(operation, 'error', { arg: code, count: 1 });
    const sdk = await readySdk(standin);
    const expected = { operation, code, retryable: false, fix: expect.stringContaining(fix) };
    if (operation === 'DecryptData') expect(() => sdk.decryptData(KEY, encryptForStandin(KEY, '{}'))).toThrow(expect.objectContaining(expected));
    else await expect(sdk.getMediaChunk('file', '')).rejects.toMatchObject(expected);
  });

  it('maps an undocumented return code to a non-retryable error naming it', async () => {
    standin.control.setMode('GetChatData', 'error', { arg: 12345, count: 1 });
    const sdk = await readySdk(standin);
    await expect(sdk.getChatData(0, 10)).rejects.toMatchObject({ code: 12345, retryable: false, message: expect.stringContaining('undocumented return code 12345') });
  });

  it('maps the retryable mode to 10001, and the next call succeeds', async () => {
    standin.control.setMode('GetChatData', 'retryable', { count: 1 });
    const sdk = await readySdk(standin);
    await expect(sdk.getChatData(0, 10)).rejects.toMatchObject({ code: 10001, retryable: true });
    await expect(sdk.getChatData(0, 10)).resolves.toContain('"errcode":0');
  });

  it('reports a NULL from NewSlice as out-of-memory without calling GetChatData', async () => {
    standin.control.setMode('NewSlice', 'error', { count: 1 });
    const sdk = await readySdk(standin);
    await expect(sdk.getChatData(0, 10)).rejects.toMatchObject({ kind: 'out-of-memory', operation: 'NewSlice', retryable: true });
    expect(standin.control.calls('GetChatData')).toBe(0);
  });

  it('reports a NULL from NewMediaData as out-of-memory without calling GetMediaData', async () => {
    standin.control.setMode('NewMediaData', 'error', { count: 1 });
    const sdk = await readySdk(standin);
    await expect(sdk.getMediaChunk('file', '')).rejects.toMatchObject({ kind: 'out-of-memory', operation: 'NewMediaData' });
    expect(standin.control.calls('GetMediaData')).toBe(0);
  });

  it('frees every slice and media buffer on failing calls', async () => {
    const sdk = await readySdk(standin);
    for (const code of CODES) {
      standin.control.setMode('GetChatData', 'error', { arg: code, count: 1 });
      standin.control.setMode('DecryptData', 'error', { arg: code, count: 1 });
      standin.control.setMode('GetMediaData', 'error', { arg: code, count: 1 });
      await expect(sdk.getChatData(0, 10)).rejects.toBeInstanceOf(FinanceSdkError);
      expect(() => sdk.decryptData(KEY, encryptForStandin(KEY, '{}'))).toThrow(FinanceSdkError);
      await expect(sdk.getMediaChunk('file', '')).rejects.toBeInstanceOf(FinanceSdkError);
    }
    expect(standin.control.calls('FreeSlice')).toBe(2 * CODES.length);
    expect(standin.control.calls('FreeMediaData')).toBe(CODES.length);
    expect(standin.control.liveAllocations()).toBe(3); // only the handle and its corpid/secret copies
  });
});
