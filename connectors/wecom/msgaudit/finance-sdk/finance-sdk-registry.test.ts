import { useFinanceStandin } from '../standin/__tests__/use-finance-standin';
import { CORP_ID, SECRET } from './__tests__/standin-sdk';
import { FinanceSdkRegistry } from './finance-sdk-registry';
import { loadFinanceSdk } from './load-finance-sdk';

const standin = useFinanceStandin();
const OTHER_CORP = 'wwstandin00000002';

beforeEach(() => standin.control.load({ corps: { [CORP_ID]: { secret: SECRET }, [OTHER_CORP]: { secret: 'other-secret-0002' } } }));

function registry(): FinanceSdkRegistry {
  const sdks = new FinanceSdkRegistry(loadFinanceSdk(standin.libraryPath));
  standin.track({ close: () => sdks.closeAll() });
  return sdks;
}

describe('FinanceSdkRegistry', () => {
  it('hands out one handle per corp, created once even when asked concurrently', async () => {
    const sdks = registry();
    const [a, b] = await Promise.all([sdks.forCorp(CORP_ID, SECRET), sdks.forCorp(CORP_ID, SECRET)]);
    const other = await sdks.forCorp(OTHER_CORP, 'other-secret-0002');
    expect(a).toBe(b);
    expect(other).not.toBe(a);
    expect(standin.control.calls('NewSdk')).toBe(2);
    expect(standin.control.liveSdks()).toBe(2);
  });

  it('forgets a failed init so the next request retries it', async () => {
    standin.control.setMode('Init', 'retryable', { count: 1 });
    const sdks = registry();
    await expect(sdks.forCorp(CORP_ID, SECRET)).rejects.toMatchObject({ code: 10001 });
    const sdk = await sdks.forCorp(CORP_ID, SECRET);
    expect(sdk.state).toBe('ready');
    expect(standin.control.liveSdks()).toBe(1);
  });

  it('destroys every handle once on closeAll and refuses new requests', async () => {
    const sdks = registry();
    await sdks.forCorp(CORP_ID, SECRET);
    await sdks.forCorp(OTHER_CORP, 'other-secret-0002');
    await Promise.all([sdks.closeAll(), sdks.closeAll()]);
    expect(standin.control.calls('DestroySdk')).toBe(2);
    expect(standin.control.liveSdks()).toBe(0);
    await expect(sdks.forCorp(CORP_ID, SECRET)).rejects.toThrow('closed');
  });
});
