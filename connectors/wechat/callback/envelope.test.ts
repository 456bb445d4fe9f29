import fc from 'fast-check';
import type { XmlObject } from '../../canonical/chat-event';
import { aesKeyFromEncodingAESKey, encryptMessage, msgSignature, plainSignature } from './crypto';
import { openPush, parseEnvelope, verifyUrlHandshake, type CallbackMode, type OpenPushInput } from './envelope';
import { CallbackError } from './errors';
import { NONCE, NOW, TEST_ACCOUNT, TEST_AES_KEY, sealPush, signedQuery, textMessage } from './fixtures/signed-push';
import { buildXml } from './xml';

/** openPush for the test account in `mode`, with overrides. */
function open(mode: CallbackMode, push: { body: string | Uint8Array; query: Record<string, string | string[]> }, overrides: Partial<OpenPushInput> = {}) {
  return openPush({
    mode,
    token: TEST_ACCOUNT.token,
    aesKey: TEST_AES_KEY,
    appId: TEST_ACCOUNT.appId,
    query: push.query,
    body: push.body,
    now: NOW,
    maxSkewSeconds: 300,
    ...overrides,
  });
}

/** The CallbackError code and status `fn` throws. */
function rejection(fn: () => unknown): { code: string; status: number } {
  try {
    fn();
  } catch (err) {
    if (err instanceof CallbackError) return { code: err.code, status: err.status };
    throw err;
  }
  throw new Error('expected a CallbackError');
}

// Tencent's official OA Python/PHP sample (callback-crypto.md §10 V5), which is a compatible-mode body.
const V5 = {
  token: 'spamtest',
  key: aesKeyFromEncodingAESKey('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'),
  appId: 'wx2c2769f8efd9abc2',
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  timestamp: '1409735669',
  nonce: '1320562132',
  encrypt: 'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
  plaintext: '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>',
  message: { ToUserName: 'gh_10f6c3c3ac5a', FromUserName: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs', CreateTime: '1409735668', MsgType: 'text', Content: 'abcdteT', MsgId: '6054768590064713728' },
};

function openV5(mode: CallbackMode, body: string, overrides: Partial<OpenPushInput> = {}) {
  const query = {
    signature: plainSignature(V5.token, V5.timestamp, V5.nonce), timestamp: V5.timestamp, nonce: V5.nonce,
    encrypt_type: 'aes', msg_signature: V5.msgSignature, openid: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs',
  };
  return openPush({ mode, token: V5.token, aesKey: V5.key, appId: V5.appId, query, body, now: Number(V5.timestamp), maxSkewSeconds: 300, ...overrides });
}

describe('parseEnvelope', () => {
  test('classifies the three body shapes', () => {
    expect(parseEnvelope(buildXml(textMessage())).shape).toBe('plain');
    expect(parseEnvelope(sealPush('safe', textMessage()).body)).toMatchObject({ shape: 'safe', encrypt: expect.any(String) });
    expect(parseEnvelope(sealPush('compatible', textMessage()).body)).toMatchObject({ shape: 'compatible', clear: { Content: 'hello' } });
  });

  test('refuses an Encrypt element that is empty or has children', () => {
    expect(rejection(() => parseEnvelope('<xml><Encrypt></Encrypt></xml>')).code).toBe('missing-field');
    expect(rejection(() => parseEnvelope('<xml><Encrypt><A>1</A></Encrypt></xml>')).code).toBe('missing-field');
    expect(rejection(() => parseEnvelope('<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>')).code).toBe('missing-field');
  });
});

describe('openPush accepts genuine pushes', () => {
  test('V5: Tencent\'s compatible-mode sample opens, with the decrypted message and its exact plaintext', () => {
    const body = buildXml({ ...V5.message, Encrypt: V5.encrypt });
    const opened = openV5('compatible', body);
    expect(opened.message).toEqual(V5.message);
    expect(opened.plaintext).toBe(V5.plaintext);
    expect(opened.replayKey).toEqual({ timestamp: V5.timestamp, nonce: V5.nonce, signature: V5.msgSignature });
  });

  test('V5 as a safe-mode envelope opens too', () => {
    expect(openV5('safe', buildXml({ ToUserName: 'gh_10f6c3c3ac5a', Encrypt: V5.encrypt })).message).toEqual(V5.message);
  });

  test.each(['plain', 'compatible', 'safe'] as const)('%s mode round-trips a Chinese text message, with or without the openid parameter', (mode) => {
    const message = textMessage('你好，世界 ]]> & <b>');
    const push = sealPush(mode, message);
    expect(open(mode, push).message).toEqual(message);
    expect(open(mode, { ...push, query: { ...push.query, openid: 'anything' } }).message).toEqual(message);
    expect(open(mode, { ...push, body: Buffer.from(push.body) }).message).toEqual(message);
  });

  test('a safe-mode push also opens under a compatible-mode account, and a compatible one under safe', () => {
    expect(open('compatible', sealPush('safe', textMessage())).message).toEqual(textMessage());
    expect(open('safe', sealPush('compatible', textMessage())).message).toEqual(textMessage());
  });

  test('plain mode returns the verified plain signature as replay key, encrypted modes the msg_signature', () => {
    const plain = sealPush('plain', textMessage());
    expect(open('plain', plain).replayKey).toEqual({ timestamp: String(NOW), nonce: NONCE, signature: plain.query.signature });
    const safe = sealPush('safe', textMessage());
    expect(open('safe', safe).replayKey).toEqual({ timestamp: String(NOW), nonce: NONCE, signature: safe.query.msg_signature });
  });

  test('plain mode accepts encrypt_type=raw', () => {
    const push = sealPush('plain', textMessage());
    expect(open('plain', { ...push, query: { ...push.query, encrypt_type: 'raw' } }).message).toEqual(textMessage());
  });

  test('accepts a timestamp exactly maxSkewSeconds away, either side', () => {
    for (const ts of [NOW - 300, NOW + 300]) {
      expect(() => open('safe', sealPush('safe', textMessage(), { timestamp: String(ts) }))).not.toThrow();
    }
  });

  test('only fields that are in the encrypted message count: an extra clear field is dropped, not trusted', () => {
    const message = textMessage();
    const encrypt = encryptMessage(TEST_AES_KEY, buildXml(message), TEST_ACCOUNT.appId);
    const body = buildXml({ ...message, Injected: 'x', Encrypt: encrypt });
    expect(open('compatible', { body, query: signedQuery({ encrypt }) }).message).toEqual(message);
  });

  test('any message survives seal then open in every mode (property)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 200 });
    fc.assert(fc.property(fc.constantFrom<CallbackMode>('plain', 'compatible', 'safe'), text, fc.uint8Array({ minLength: 16, maxLength: 16 }), (mode, content, rnd) => {
      const message = textMessage(content);
      expect(open(mode, sealPush(mode, message, { random: Buffer.from(rnd) })).message).toEqual(message);
    }), { numRuns: 200 });
  });
});

describe('openPush rejects with a specific code and a 4xx status', () => {
  const safe = sealPush('safe', textMessage());
  const without = (name: string) => Object.fromEntries(Object.entries(safe.query).filter(([k]) => k !== name));

  test.each(['signature', 'timestamp', 'nonce', 'msg_signature'])('missing %s -> missing-param 400', (name) => {
    expect(rejection(() => open('safe', { ...safe, query: without(name) }))).toEqual({ code: 'missing-param', status: 400 });
  });

  test('a repeated parameter -> bad-param (the framework would pick one copy)', () => {
    expect(rejection(() => open('safe', { ...safe, query: { ...safe.query, nonce: [NONCE, NONCE] } })).code).toBe('bad-param');
  });

  test.each([
    ['non-numeric timestamp', { timestamp: '17140370x9' }],
    ['negative timestamp', { timestamp: '-1' }],
    ['over-long nonce', { nonce: 'n'.repeat(129) }],
    ['nonce with a space', { nonce: '1 2' }],
    ['unknown encrypt_type', { encrypt_type: 'des' }],
  ])('%s -> bad-param', (_label, patch) => {
    expect(rejection(() => open('safe', { ...safe, query: { ...safe.query, ...patch } })).code).toBe('bad-param');
  });

  test('a wrong plain signature -> bad-signature 401, even with a valid msg_signature', () => {
    const sig = safe.query.signature as string;
    const flipped = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
    expect(rejection(() => open('safe', { ...safe, query: { ...safe.query, signature: flipped } }))).toEqual({ code: 'bad-signature', status: 401 });
    expect(rejection(() => open('safe', { ...safe, query: { ...safe.query, signature: sig.toUpperCase() } })).code).toBe('bad-signature');
  });

  test('a wrong token -> bad-signature', () => {
    expect(rejection(() => open('safe', safe, { token: 'otherToken' })).code).toBe('bad-signature');
  });

  test('a msg_signature over different Encrypt text -> bad-msg-signature 401', () => {
    const other = sealPush('safe', textMessage('other'));
    expect(rejection(() => open('safe', { body: other.body, query: safe.query }))).toEqual({ code: 'bad-msg-signature', status: 401 });
  });

  test('a timestamp one second outside the window, either side -> stale-timestamp 403', () => {
    for (const ts of [NOW - 301, NOW + 301]) {
      expect(rejection(() => open('safe', sealPush('safe', textMessage(), { timestamp: String(ts) })))).toEqual({ code: 'stale-timestamp', status: 403 });
    }
  });

  test('mode mismatches -> mode-mismatch', () => {
    const plain = sealPush('plain', textMessage());
    expect(rejection(() => open('safe', plain)).code).toBe('mode-mismatch');
    expect(rejection(() => open('plain', safe)).code).toBe('mode-mismatch');
    expect(rejection(() => open('plain', { body: safe.body, query: plain.query })).code).toBe('mode-mismatch');
  });

  test('encrypt_type=aes with a body that has no Encrypt -> missing-field', () => {
    const plainBody = buildXml(textMessage());
    expect(rejection(() => open('safe', { body: plainBody, query: signedQuery({ encrypt: 'x' }) })).code).toBe('missing-field');
  });

  test('a ciphertext for another AppID -> wrong-appid 403', () => {
    expect(rejection(() => open('safe', safe, { appId: 'wx9999999999999999' }))).toEqual({ code: 'wrong-appid', status: 403 });
  });

  test('a ciphertext under another key -> bad-padding or wrong-appid, never success', () => {
    expect(['bad-padding', 'wrong-appid']).toContain(rejection(() => open('safe', safe, { aesKey: aesKeyFromEncodingAESKey('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG') })).code);
  });

  test('a decrypted message that is not XML, or has another root -> malformed-xml / xml-not-xml-root', () => {
    for (const [inner, code] of [['hello', 'malformed-xml'], ['<root/>', 'xml-not-xml-root'], ['<!DOCTYPE x><xml/>', 'xml-doctype']] as const) {
      const encrypt = encryptMessage(TEST_AES_KEY, inner, TEST_ACCOUNT.appId);
      const body = buildXml({ ToUserName: TEST_ACCOUNT.originalId, Encrypt: encrypt });
      expect(rejection(() => open('safe', { body, query: signedQuery({ encrypt }) })).code).toBe(code);
    }
  });

  test('compatible mode: a clear field that disagrees with the encrypted one -> field-mismatch', () => {
    const message = textMessage('real');
    const encrypt = encryptMessage(TEST_AES_KEY, buildXml(message), TEST_ACCOUNT.appId);
    const tamperings: XmlObject[] = [{ Content: 'forged' }, { FromUserName: 'oSomeoneElse' }, { MsgId: '1' }, { Content: { A: 'x' } }];
    for (const tampered of tamperings) {
      const body = buildXml({ ...message, ...tampered, Encrypt: encrypt });
      expect(rejection(() => open('compatible', { body, query: signedQuery({ encrypt }) }))).toEqual({ code: 'field-mismatch', status: 400 });
    }
  });

  test('safe mode: a clear ToUserName that disagrees with the encrypted one -> field-mismatch', () => {
    const message = textMessage();
    const encrypt = encryptMessage(TEST_AES_KEY, buildXml(message), TEST_ACCOUNT.appId);
    const body = buildXml({ ToUserName: 'gh_ffffffffffff', Encrypt: encrypt });
    expect(rejection(() => open('safe', { body, query: signedQuery({ encrypt }) })).code).toBe('field-mismatch');
  });

  test('a missing aesKey in an encrypted mode is a programming error (TypeError), not a 4xx', () => {
    expect(() => open('safe', safe, { aesKey: undefined })).toThrow(TypeError);
  });
});

describe('verifyUrlHandshake', () => {
  // callback-crypto.md §10 V7a: the current official guide's example.
  const V7A = { signature: 'f464b24fc39322e44b38aa78f5edd27bd1441696', timestamp: '1714036504', nonce: '1514711492', echostr: '4375120948345356249' };

  test('V7a: answers echostr verbatim on a valid signature', () => {
    expect(verifyUrlHandshake({ token: 'AAAAA', query: V7A })).toBe('4375120948345356249');
  });

  test('a wrong token or signature -> bad-signature 401', () => {
    expect(rejection(() => verifyUrlHandshake({ token: 'AAAAB', query: V7A }))).toEqual({ code: 'bad-signature', status: 401 });
    expect(rejection(() => verifyUrlHandshake({ token: 'AAAAA', query: { ...V7A, nonce: '1514711493' } })).code).toBe('bad-signature');
  });

  test('a missing echostr -> missing-param', () => {
    const { echostr: _e, ...query } = V7A;
    expect(rejection(() => verifyUrlHandshake({ token: 'AAAAA', query })).code).toBe('missing-param');
  });

  test('refuses to reflect an echostr that is not what Tencent sends (echostr is unsigned)', () => {
    for (const echostr of ['<script>alert(1)</script>', 'a b', '9'.repeat(129)]) {
      expect(rejection(() => verifyUrlHandshake({ token: 'AAAAA', query: { ...V7A, echostr } })).code).toBe('bad-param');
    }
  });

  test('checks the timestamp window only when given a clock', () => {
    expect(rejection(() => verifyUrlHandshake({ token: 'AAAAA', query: V7A, now: 1714036504 + 301, maxSkewSeconds: 300 })).code).toBe('stale-timestamp');
    expect(verifyUrlHandshake({ token: 'AAAAA', query: V7A, now: 1714036504 + 299, maxSkewSeconds: 300 })).toBe(V7A.echostr);
  });

  test('the msg_signature scheme does not pass as a plain signature', () => {
    const query = { ...V7A, signature: msgSignature('AAAAA', V7A.timestamp, V7A.nonce, V7A.echostr) };
    expect(rejection(() => verifyUrlHandshake({ token: 'AAAAA', query })).code).toBe('bad-signature');
  });
});
