import { invalidArgument, returnCodeError } from './finance-sdk-error';
import { RETURN_CODES, returnCodeRule } from './return-codes';

describe('Finance SDK return codes', () => {
  it('documents exactly the codes 10000–10011', () => {
    expect(Object.keys(RETURN_CODES).map(Number)).toEqual(Array.from({ length: 12 }, (_, i) => 10000 + i));
  });

  it('retries only network, parse and system failures (10001–10003)', () => {
    const retryable = Object.entries(RETURN_CODES).filter(([, rule]) => rule.retryable).map(([code]) => Number(code));
    expect(retryable).toEqual([10001, 10002, 10003]);
  });

  it.each([
    [10007, "supply the key pair for the message's key version"],
    [10009, "add this server's egress IP to the trusted IP list in the WeCom admin console"],
    [10011, 'certificate'],
    [10010, '5 days'],
  ])('tells the operator what to fix for %p', (code, fix) => {
    expect(returnCodeError('GetChatData', code).fix).toContain(fix);
  });

  it('names an undocumented code and does not retry it', () => {
    expect(returnCodeRule(-7)).toMatchObject({ retryable: false, meaning: 'undocumented return code -7' });
    expect(returnCodeError('DecryptData', 20001)).toMatchObject({ code: 20001, retryable: false, label: 'finance-sdk.20001' });
  });

  it('labels an argument rejected before the call by its kind, with the 10000 the SDK would return', () => {
    expect(invalidArgument('GetChatData', 'limit', 'must be 1–1000')).toMatchObject({ code: 10000, label: 'finance-sdk.invalid-argument', retryable: false });
  });
});
