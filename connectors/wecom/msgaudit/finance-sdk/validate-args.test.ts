import { checkCallOptions, checkSeq, checkText } from './validate-args';

describe('Finance SDK argument checks', () => {
  it.each(['', 'http://10.0.0.1:8081', 'https://proxy.bank.internal:3128', 'socks5://10.0.0.1:8081', 'socks5h://proxy:1080/'])('accepts the proxy %p', (proxy) => {
    expect(checkCallOptions('GetChatData', { proxy }).proxy).toBe(proxy);
  });

  it.each(['ftp://10.0.0.1:21', 'http://', 'http://10.0.0.1:8081/path', 'http://u:p@10.0.0.1:8081', 'http://10.0.0.1 :8081'])('refuses the proxy %p', (proxy) => {
    expect(() => checkCallOptions('GetChatData', { proxy })).toThrow(expect.objectContaining({ kind: 'invalid-argument', code: 10000 }));
  });

  it.each([1, 300])('accepts a timeout of %p seconds', (timeoutSeconds) => {
    expect(checkCallOptions('GetMediaData', { timeoutSeconds }).timeoutSeconds).toBe(timeoutSeconds);
  });

  it.each([0, 301, -5, 1.5])('refuses a timeout of %p seconds', (timeoutSeconds) => {
    expect(() => checkCallOptions('GetMediaData', { timeoutSeconds })).toThrow(expect.objectContaining({ message: expect.stringContaining('timeoutSeconds') }));
  });

  it('converts a safe number seq to the bigint C receives', () => {
    expect(checkSeq(196)).toBe(196n);
    expect(checkSeq(0)).toBe(0n);
  });

  it('names the argument and the rule but never the value', () => {
    const value = 'secret-value-\u0007-PLANTED';
    let message = '';
    try {
      checkText('Init', 'secret', value, 256);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('secret must be printable ASCII');
    expect(message).not.toContain('PLANTED');
  });

  it('refuses a string longer than its maximum', () => {
    expect(() => checkText('Init', 'corpId', 'w'.repeat(65), 64)).toThrow(expect.objectContaining({ message: expect.stringContaining('at most 64') }));
  });
});
