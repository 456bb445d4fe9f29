import { encryptForStandin } from '../standin/__tests__/standin-cipher';
import { useFinanceStandin } from '../standin/__tests__/use-finance-standin';
import { CORP_ID, readySdk, SECRET } from './__tests__/standin-sdk';

const standin = useFinanceStandin();
const KEY = 'key-0123456789';

beforeEach(() => standin.control.load({ corps: { [CORP_ID]: { secret: SECRET } } }));

describe('blocking SDK calls and the event loop', () => {
  it('keeps firing timers while a slow GetChatData runs', async () => {
    standin.control.setMode('GetChatData', 'slow', { arg: 400, count: 1 });
    const sdk = await readySdk(standin);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      const started = Date.now();
      await sdk.getChatData(0, 10);
      expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    } finally {
      clearInterval(timer);
    }
    // A synchronous call would have blocked the loop: no tick at all.
    expect(ticks).toBeGreaterThanOrEqual(5);
  });

  it('rejects a call past its deadline as retryable and frees its slice once the native call returns', async () => {
    standin.control.setMode('GetChatData', 'slow', { arg: 1300, count: 1 });
    const sdk = await readySdk(standin, { deadlineGraceMs: 0 });
    await expect(sdk.getChatData(0, 10, { timeoutSeconds: 1 })).rejects.toMatchObject({ kind: 'timeout', operation: 'GetChatData', retryable: true, label: 'finance-sdk.timeout' });
    expect(standin.control.calls('FreeSlice')).toBe(0); // the SDK still owns it
    await sdk.idle();
    expect(standin.control.calls('FreeSlice')).toBe(1);
  });

  it('gives GetChatData the SDK timeout plus the grace as its deadline', async () => {
    standin.control.setMode('GetChatData', 'slow', { arg: 1300, count: 1 });
    const sdk = await readySdk(standin, { deadlineGraceMs: 100 });
    await expect(sdk.getChatData(0, 10, { timeoutSeconds: 1 })).rejects.toMatchObject({ kind: 'timeout', message: expect.stringContaining('1100 ms') });
    expect(standin.control.calls('FreeSlice')).toBe(0); // rejected while the native call still ran
  });

  it('starts the next call on the handle only after a timed-out call has returned', async () => {
    standin.control.setMode('GetChatData', 'slow', { arg: 1300, count: 1 });
    const sdk = await readySdk(standin, { deadlineGraceMs: 0 });
    const started = Date.now();
    const first = sdk.getChatData(0, 10, { timeoutSeconds: 1 });
    const second = sdk.getChatData(0, 10, { timeoutSeconds: 1 });
    await expect(first).rejects.toMatchObject({ kind: 'timeout' });
    await expect(second).resolves.toContain('"errcode":0');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1290);
  });

  it('waits for a running call before DestroySdk on close', async () => {
    standin.control.setMode('GetChatData', 'slow', { arg: 200, count: 1 });
    const sdk = await readySdk(standin);
    const pending = sdk.getChatData(0, 10);
    await sdk.close();
    await expect(pending).resolves.toContain('"errcode":0');
    expect(standin.control.calls('DestroySdk')).toBe(1);
    expect(standin.control.liveSdks()).toBe(0);
  });

  it('keeps decrypting while a slow GetMediaData holds the handle', async () => {
    standin.control.load({ corps: { [CORP_ID]: { secret: SECRET, media: { file: Buffer.from('bytes') } } } });
    standin.control.setMode('GetMediaData', 'slow', { arg: 600, count: 1 });
    const sdk = await readySdk(standin);
    const media = sdk.getMediaChunk('file', '');
    expect(sdk.decryptData(KEY, encryptForStandin(KEY, '{"a":1}'))).toBe('{"a":1}');
    expect(standin.control.calls('FreeMediaData')).toBe(0); // GetMediaData was still running
    await media;
  });
});
