import { scrubText } from './scrub';

describe('scrubText', () => {
  it('redacts credential query parameters wherever they appear', () => {
    const text = 'GET https://api.weixin.qq.com/cgi-bin/user/info?access_token=91_abcDEF-123&openid=o1 and /gettoken?corpid=ww1&corpsecret=s3cr3tValue&x=1 secret=zzz';
    const out = scrubText(text);
    expect(out).not.toMatch(/91_abcDEF-123|s3cr3tValue|zzz/);
    expect(out).toContain('access_token=[redacted]&openid=o1');
    expect(out).toContain('corpsecret=[redacted]&x=1');
  });

  it('redacts literal sensitive values, but not short ones that would hit ordinary words', () => {
    expect(scrubText('token 91_longTokenValue echoed', ['91_longTokenValue'])).toBe('token [redacted] echoed');
    expect(scrubText('ok rid: 1', ['ok'])).toBe('ok rid: 1');
  });

  it('replaces openids and external_userids an errmsg quotes, leaving rids and hints alone', () => {
    const errmsg = 'invalid openid oJSaeOgjs6tu9gyIxSg5NmWPk8xP rid: 677b393e-bb7b6788-44710327';
    expect(scrubText(errmsg)).toBe('invalid openid [openid] rid: 677b393e-bb7b6788-44710327');
    expect(scrubText('invalid external_userid wmAbCdEfGhIjKlMnOpQrStUvWxYz0123, hint: [1684833894235730688668522]')).toBe('invalid external_userid [external_userid], hint: [1684833894235730688668522]');
  });

  it('drops control characters and caps the length', () => {
    expect(scrubText('a\r\nb\u0000c')).toBe('a b c');
    const long = scrubText('x'.repeat(1000));
    expect(long.length).toBe(401);
    expect(long.endsWith('…')).toBe(true);
  });
});
