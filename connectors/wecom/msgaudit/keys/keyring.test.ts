import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { KeyVersionMissingError, MsgauditKeyConfigError, MsgauditKeyError } from './errors';
import { MsgauditKeyring } from './keyring';
import { isPkcs1Refusal } from './runtime';
import { freshRandomKey, rsaPair, sealRandomKey } from './__tests__/test-keys';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const main = rsaPair('main');
const other = rsaPair('other');

function configProblems(pems: Record<number | string, string>): MsgauditKeyConfigError {
  try {
    new MsgauditKeyring(pems);
  } catch (err) {
    expect(err).toBeInstanceOf(MsgauditKeyConfigError);
    return err as MsgauditKeyConfigError;
  }
  throw new Error('expected MsgauditKeyConfigError');
}

function unwrapError(keyring: MsgauditKeyring, version: number, sealed: string): MsgauditKeyError {
  try {
    keyring.unwrapRandomKey(version, sealed);
  } catch (err) {
    expect(err).toBeInstanceOf(MsgauditKeyError);
    return err as MsgauditKeyError;
  }
  throw new Error('expected MsgauditKeyError');
}

/** The base64 body lines of a PEM: none of them may appear in an error. */
function bodyLines(pem: string): string[] {
  return pem.split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'));
}

describe('MsgauditKeyring: loading keys', () => {
  test.each([
    ['PKCS#1 (BEGIN RSA PRIVATE KEY)', main.pkcs1Pem],
    ['PKCS#8 (BEGIN PRIVATE KEY)', main.pkcs8Pem],
    ['PKCS#8 with CRLF line ends and surrounding blank lines', `\r\n${main.pkcs8Pem.replace(/\n/g, '\r\n')}\r\n`],
  ])('accepts %s and unwraps with it', (_name, pem) => {
    const keyring = new MsgauditKeyring({ 3: pem });
    const encryptKey = freshRandomKey();
    expect(keyring.unwrapRandomKey(3, sealRandomKey(main.publicKey, encryptKey))).toBe(encryptKey);
    expect(keyring.versions).toEqual([3]);
    expect(keyring.has(3)).toBe(true);
    expect(keyring.has(4)).toBe(false);
  });

  test('keeps every historical version and picks the key by publickey_ver', () => {
    const keyring = new MsgauditKeyring({ 1: other.pkcs8Pem, 2: main.pkcs1Pem });
    const a = freshRandomKey();
    const b = freshRandomKey();
    expect(keyring.unwrapRandomKey(1, sealRandomKey(other.publicKey, a))).toBe(a);
    expect(keyring.unwrapRandomKey(2, sealRandomKey(main.publicKey, b))).toBe(b);
    expect(keyring.versions).toEqual([1, 2]);
  });

  test('refuses a passphrase-encrypted PKCS#8 PEM, naming the version', () => {
    const pem = main.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    const error = configProblems({ 7: pem });
    expect(error.problems).toEqual([expect.objectContaining({ publickeyVer: 7, code: 'encrypted-pem' })]);
    expect(error.message).toContain('publickey_ver 7');
  });

  test('refuses a legacy encrypted PKCS#1 PEM (Proc-Type: 4,ENCRYPTED)', () => {
    const pem = main.privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    expect(pem).toContain('Proc-Type: 4,ENCRYPTED');
    expect(configProblems({ 2: pem }).problems[0]?.code).toBe('encrypted-pem');
  });

  test.each([
    ['an SPKI public key', () => main.publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'public-key'],
    ['a PKCS#1 public key', () => main.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString(), 'public-key'],
    ['a 1024-bit RSA key', () => rsaPair('small', 1024).pkcs8Pem, 'key-too-small'],
    ['an EC key in PKCS#8', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'not-rsa'],
    ['an Ed25519 key', () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'not-rsa'],
    ['an RSA-PSS key', () => generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'not-rsa'],
    ['a SEC1 EC PRIVATE KEY', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString(), 'unsupported-pem'],
    ['bare base64 without armour', () => bodyLines(main.pkcs8Pem).join(''), 'not-pem'],
    ['two keys in one PEM', () => main.pkcs1Pem + other.pkcs1Pem, 'multiple-pem-blocks'],
    ['a corrupted body', () => main.pkcs8Pem.replace(/\n[A-Za-z0-9+/]{40}/, '\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), 'unreadable-key'],
    ['an empty string', () => '', 'not-pem'],
  ])('refuses %s', (_name, make, code) => {
    const pem = make();
    const error = configProblems({ 5: pem });
    expect(error.problems).toEqual([expect.objectContaining({ publickeyVer: 5, code })]);
    expect(error.message).toContain('publickey_ver 5');
    for (const line of bodyLines(pem)) expect(error.message).not.toContain(line.slice(0, 20));
  });

  test('refuses a map key that is not a publickey_ver', () => {
    const error = configProblems({ v3: main.pkcs1Pem });
    expect(error.problems).toEqual([expect.objectContaining({ code: 'bad-version', publickeyVer: 'v3' })]);
  });

  test('reports every refused version at once', () => {
    const error = configProblems({ 1: main.pkcs1Pem, 2: 'nope', 3: main.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    expect(error.problems.map((p) => [p.publickeyVer, p.code])).toEqual([[2, 'not-pem'], [3, 'public-key']]);
  });

  test('shows no key material through JSON, inspect or its properties', () => {
    const keyring = new MsgauditKeyring({ 1: main.pkcs1Pem });
    const shown = `${JSON.stringify(keyring)} ${inspect(keyring, { depth: 5, showHidden: true })}`;
    for (const line of bodyLines(main.pkcs1Pem)) expect(shown).not.toContain(line.slice(0, 20));
  });
});

describe('MsgauditKeyring.unwrapRandomKey: failures', () => {
  const keyring = new MsgauditKeyring({ 3: main.pkcs8Pem });

  test('a missing version is KeyVersionMissingError naming it', () => {
    const error = unwrapError(keyring, 4, sealRandomKey(main.publicKey, freshRandomKey()));
    expect(error).toBeInstanceOf(KeyVersionMissingError);
    expect(error).toMatchObject({ code: 'key-version-missing', publickeyVer: 4, retryable: false });
    expect(error.message).toBe("no private key for publickey_ver 4: add it to the corp's msgaudit keys");
  });

  test('a key sealed for another key pair of the same size is decrypt-failed, not retryable', () => {
    const error = unwrapError(keyring, 3, sealRandomKey(other.publicKey, freshRandomKey()));
    expect(error).toMatchObject({ code: 'decrypt-failed', publickeyVer: 3, retryable: false });
    expect(error.message).toContain('does not match the public key uploaded as version 3');
  });

  test('wrong keys are caught for every one of 200 sealed keys (implicit rejection returns junk, never an error)', () => {
    for (let i = 0; i < 200; i++) {
      expect(unwrapError(keyring, 3, sealRandomKey(other.publicKey, freshRandomKey())).code).toBe('decrypt-failed');
    }
  });

  test('a key sealed for a 4096-bit key is bad-ciphertext-length', () => {
    const big = rsaPair('big', 4096);
    expect(unwrapError(keyring, 3, sealRandomKey(big.publicKey, freshRandomKey())).code).toBe('bad-ciphertext-length');
  });

  test('a truncated ciphertext is bad-ciphertext-length', () => {
    const sealed = Buffer.from(sealRandomKey(main.publicKey, freshRandomKey()), 'base64');
    expect(unwrapError(keyring, 3, sealed.subarray(0, 255).toString('base64')).code).toBe('bad-ciphertext-length');
  });

  test('a ciphertext not below the modulus is decrypt-failed', () => {
    expect(unwrapError(keyring, 3, Buffer.alloc(256, 0xff).toString('base64')).code).toBe('decrypt-failed');
  });

  test.each([
    ['an empty string', () => ''],
    ['line breaks inside', (s: string) => `${s.slice(0, 64)}\n${s.slice(64)}`],
    ['surrounding spaces', (s: string) => ` ${s} `],
    ['the URL-safe alphabet', (s: string) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/[A-Za-z0-9]/, '-')],
    ['padding removed', (s: string) => `${s.replace(/=+$/, '')}${s.endsWith('=') ? '' : 'AA'}`],
    // The character before "==" carries 2 data bits and 4 unused ones: flip the lowest unused bit.
    ['non-zero unused trailing bits', (s: string) => `${s.slice(0, -3)}${B64[B64.indexOf(s.at(-3) as string) ^ 1]}${s.slice(-2)}`],
    ['a non-string', () => 42 as unknown as string],
  ])('bad base64 (%s) is bad-base64', (_name, mangle) => {
    // 256 bytes encode to 342 characters + "==": every mangling above applies.
    const sealed = sealRandomKey(main.publicKey, freshRandomKey());
    expect(sealed.endsWith('==')).toBe(true);
    const error = unwrapError(keyring, 3, mangle(sealed));
    expect(error).toMatchObject({ code: 'bad-base64', publickeyVer: 3, retryable: false });
  });

  test.each([
    ['shorter than 16 characters', 'short-key'],
    ['longer than 128 characters', 'k'.repeat(129)],
    ['containing a NUL', `${'a'.repeat(20)}\u0000${'b'.repeat(11)}`],
    ['containing a space', `${'a'.repeat(20)} ${'b'.repeat(11)}`],
    ['containing non-ASCII bytes', `${'a'.repeat(20)}\u00e9${'b'.repeat(11)}`],
  ])('a decrypted key %s is decrypt-failed', (_name, encryptKey) => {
    expect(unwrapError(keyring, 3, sealRandomKey(main.publicKey, encryptKey)).code).toBe('decrypt-failed');
  });

  test.each([[-1], [1.5], [Number.NaN], [2 ** 32]])('publickey_ver %p is bad-version', (version) => {
    expect(unwrapError(keyring, version, sealRandomKey(main.publicKey, freshRandomKey())).code).toBe('bad-version');
  });

  test('errors carry no cause and no key, ciphertext or plaintext', () => {
    const encryptKey = freshRandomKey();
    const sealed = sealRandomKey(other.publicKey, encryptKey);
    const error = unwrapError(keyring, 3, sealed);
    expect(error.cause).toBeUndefined();
    expect(error.message).not.toContain(encryptKey);
    expect(error.message).not.toContain(sealed.slice(0, 16));
  });

  test('any input string fails only with MsgauditKeyError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), fc.integer({ min: 0, max: 5 }), (text, version) => {
      try {
        keyring.unwrapRandomKey(version, text);
      } catch (err) {
        return err instanceof MsgauditKeyError;
      }
      return false; // a random string never unwraps
    }), { numRuns: 300 });
  });

  test('any plausible key round-trips', () => {
    fc.assert(fc.property(fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 16, maxLength: 128 }), (encryptKey) => {
      return keyring.unwrapRandomKey(3, sealRandomKey(main.publicKey, encryptKey)) === encryptKey;
    }), { numRuns: 100 });
  });
});

describe('runtime', () => {
  test("recognises Node 20's refusal of RSA_PKCS1_PADDING (so it is reported, not taken for a wrong key)", () => {
    const refusal = Object.assign(new TypeError('RSA_PKCS1_PADDING is no longer supported for private decryption, this can be reverted with --security-revert=CVE-2023-46809'), { code: 'ERR_INVALID_ARG_VALUE' });
    expect(isPkcs1Refusal(refusal)).toBe(true);
    expect(isPkcs1Refusal(Object.assign(new Error('oaep decoding error'), { code: 'ERR_OSSL_RSA_OAEP_DECODING_ERROR' }))).toBe(false);
  });

  test('this runtime decrypts PKCS#1 v1.5 (Node 24: implicit rejection)', () => {
    const keyring = new MsgauditKeyring({ 1: main.pkcs1Pem });
    expect(() => keyring.unwrapRandomKey(1, sealRandomKey(main.publicKey, freshRandomKey()))).not.toThrow();
  });

});
