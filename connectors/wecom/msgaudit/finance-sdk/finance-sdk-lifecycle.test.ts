import { useFinanceStandin } from '../standin/__tests__/use-finance-standin';
import { CORP_ID, newSdk, readySdk, SECRET } from './__tests__/standin-sdk';
import { FinanceSdkError } from './finance-sdk-error';

const standin = useFinanceStandin();

beforeEach(() => standin.control.load({ corps: { [CORP_ID]: { secret: SECRET } } }));

describe('FinanceSdk lifecycle', () => {
  it('creates and initialises one SDK handle, kept until close', async () => {
    const sdk = await readySdk(standin);
    expect(sdk.state).toBe('ready');
    expect(sdk.corpId).toBe(CORP_ID);
    expect(standin.control.calls('NewSdk')).toBe(1);
    expect(standin.control.calls('Init')).toBe(1);
    expect(standin.control.liveSdks()).toBe(1);
  });

  it('refuses a second init on the same handle without calling the SDK', async () => {
    const sdk = await readySdk(standin);
    await expect(sdk.init(CORP_ID, SECRET)).rejects.toMatchObject({ kind: 'not-ready', retryable: false });
    expect(standin.control.calls('NewSdk')).toBe(1);
  });

  it('calls DestroySdk exactly once however often close is called', async () => {
    const sdk = await readySdk(standin);
    await Promise.all([sdk.close(), sdk.close()]);
    await sdk.close();
    expect(standin.control.calls('DestroySdk')).toBe(1);
    expect(standin.control.liveSdks()).toBe(0);
    expect(sdk.state).toBe('closed');
  });

  it('refuses calls after close without calling the SDK', async () => {
    const sdk = await readySdk(standin);
    await sdk.close();
    await expect(sdk.getChatData(0, 10)).rejects.toMatchObject({ kind: 'not-ready', operation: 'GetChatData' });
    expect(() => sdk.decryptData('k', 'c')).toThrow(expect.objectContaining({ kind: 'not-ready', operation: 'DecryptData' }));
    expect(standin.control.calls('GetChatData')).toBe(0);
    expect(standin.control.calls('DecryptData')).toBe(0);
  });

  it('refuses calls before init', async () => {
    const sdk = newSdk(standin);
    await expect(sdk.getMediaChunk('file', '')).rejects.toMatchObject({ kind: 'not-ready', fix: expect.stringContaining('call init') });
  });

  it('maps a failed Init to its code and destroys the half-made handle', async () => {
    standin.control.setMode('Init', 'error', { arg: 10009, count: 1 });
    const sdk = newSdk(standin);
    const error = await sdk.init(CORP_ID, SECRET).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(FinanceSdkError);
    expect(error).toMatchObject({ kind: 'sdk-return', operation: 'Init', code: 10009, retryable: false });
    expect((error as FinanceSdkError).fix).toContain('trusted IP list');
    expect(standin.control.calls('DestroySdk')).toBe(1);
    expect(standin.control.liveSdks()).toBe(0);
    expect(sdk.state).toBe('new');
  });

  it('can init again after a failed init', async () => {
    standin.control.setMode('Init', 'retryable', { count: 1 });
    const sdk = newSdk(standin);
    await expect(sdk.init(CORP_ID, SECRET)).rejects.toMatchObject({ code: 10001, retryable: true });
    await sdk.init(CORP_ID, SECRET);
    expect(sdk.state).toBe('ready');
    expect(standin.control.liveSdks()).toBe(1);
  });

  it('reports a NULL from NewSdk as a retryable out-of-memory error', async () => {
    standin.control.setMode('NewSdk', 'error', { count: 1 });
    await expect(newSdk(standin).init(CORP_ID, SECRET)).rejects.toMatchObject({ kind: 'out-of-memory', operation: 'NewSdk', retryable: true });
    expect(standin.control.calls('Init')).toBe(0);
  });

  it('rejects an empty corpId or a secret with a control character without calling the SDK', async () => {
    await expect(newSdk(standin).init('', SECRET)).rejects.toMatchObject({ kind: 'invalid-argument', code: 10000 });
    await expect(newSdk(standin).init(CORP_ID, `${SECRET}\u0000tail`)).rejects.toMatchObject({ kind: 'invalid-argument', code: 10000 });
    expect(standin.control.calls('NewSdk')).toBe(0);
  });

  it('destroys the handle of an Init that outlived its deadline once Init returns', async () => {
    standin.control.setMode('Init', 'slow', { arg: 300, count: 1 });
    const sdk = newSdk(standin, { localDeadlineMs: 50 });
    await expect(sdk.init(CORP_ID, SECRET)).rejects.toMatchObject({ kind: 'timeout', operation: 'Init', retryable: true });
    expect(standin.control.liveSdks()).toBe(1); // Init is still running natively
    await sdk.idle();
    expect(standin.control.calls('DestroySdk')).toBe(1);
    expect(standin.control.liveSdks()).toBe(0);
  });
});
