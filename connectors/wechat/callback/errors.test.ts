import { CallbackCryptoError } from './crypto';
import { CALLBACK_ERROR_STATUS, CallbackError, toCallbackError, type CallbackErrorCode } from './errors';
import { XmlParseError, type XmlParseErrorCode } from './xml';

/** What toCallbackError turns `err` into. */
function translated(err: unknown): unknown {
  try {
    toCallbackError(err, 'body');
  } catch (out) {
    return out;
  }
  throw new Error('toCallbackError returned');
}

test('every callback error code maps to 400, 401, 403 or 413 — never 5xx', () => {
  for (const [code, status] of Object.entries(CALLBACK_ERROR_STATUS)) {
    expect([400, 401, 403, 413]).toContain(status);
    const err = new CallbackError(code as CallbackErrorCode, 'x');
    expect(err.status).toBe(status);
    expect(err.expose).toBe(true);
  }
});

test.each<[XmlParseErrorCode, CallbackErrorCode, number]>([
  ['too-large', 'oversized', 413],
  ['too-deep', 'xml-too-deep', 400],
  ['too-many-elements', 'xml-too-many-elements', 413],
  ['doctype', 'xml-doctype', 400],
  ['entity', 'xml-entity', 400],
  ['malformed', 'malformed-xml', 400],
  ['not-xml-root', 'xml-not-xml-root', 400],
])('XmlParseError %s becomes %s (%d)', (xmlCode, code, status) => {
  const out = translated(new XmlParseError(xmlCode, 'what (at offset 3)'));
  expect(out).toMatchObject({ code, status, message: 'body: what (at offset 3)' });
});

test.each([
  ['base64', 'bad-base64'],
  ['buffer', 'bad-padding'],
  ['decrypt', 'bad-padding'],
  ['receive-id', 'wrong-appid'],
  ['signature', 'bad-msg-signature'],
] as const)('CallbackCryptoError %s becomes %s', (cryptoCode, code) => {
  expect(translated(new CallbackCryptoError(cryptoCode, 'm'))).toMatchObject({ code });
});

test('an invalid EncodingAESKey and unrelated errors are rethrown unchanged (they are bugs, not bad pushes)', () => {
  const keyError = new CallbackCryptoError('aes-key', 'bad key');
  expect(translated(keyError)).toBe(keyError);
  const bug = new TypeError('boom');
  expect(translated(bug)).toBe(bug);
  const already = new CallbackError('bad-signature', 's');
  expect(translated(already)).toBe(already);
});
