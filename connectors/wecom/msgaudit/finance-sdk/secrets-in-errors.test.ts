import { encryptForStandin } from '../standin/__tests__/standin-cipher';
import { useFinanceStandin } from '../standin/__tests__/use-finance-standin';
import { CORP_ID, newSdk, readySdk, SECRET } from './__tests__/standin-sdk';

const standin = useFinanceStandin();

beforeEach(() => standin.control.load({ corps: { [CORP_ID]: { secret: 'the-real-secret-0001' } } }));

const PASSWD = 'proxyuser:PLANTED-proxy-pw-91c2';
const KEY = 'PLANTEDencryptKey0123456789abcd';
const PLAINTEXT = '{"text":{"content":"PLANTED client phone 13800138000"}}';
const PLANTED = [SECRET, 'PLANTED-proxy-pw', KEY, 'PLANTED client', '13800138000'];

/** Everything of an error a logger might print. */
function printable(error: unknown): string {
  const err = error as Error;
  return [err.message, err.stack, JSON.stringify(err), String(err)].join('\n');
}

/** What `call` threw; undefined when it returned (expectNoSecret then fails: it expects an Error). */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (err) {
    return err;
  }
  return undefined;
}

function expectNoSecret(error: unknown): void {
  expect(error).toBeInstanceOf(Error);
  const text = printable(error);
  for (const secret of PLANTED) expect(text).not.toContain(secret);
  expect((error as Error).cause).toBeUndefined();
}

describe('secrets in Finance SDK errors', () => {
  it('keeps the secret out of Init errors, rejected or returned', async () => {
    expectNoSecret(await newSdk(standin).init(CORP_ID, `${SECRET}\u0001`).catch((err: unknown) => err));
    standin.control.setMode('Init', 'error', { arg: 10004, count: 1 });
    expectNoSecret(await newSdk(standin).init(CORP_ID, SECRET).catch((err: unknown) => err));
  });

  it('keeps the proxy password out of GetChatData and GetMediaData errors', async () => {
    const sdk = await readySdk(standin);
    expectNoSecret(await sdk.getChatData(0, 10, { passwd: `${PASSWD}\u0000` }).catch((err: unknown) => err));
    expectNoSecret(await sdk.getChatData(0, 10, { proxy: `http://${PASSWD}@10.0.0.1:8080` }).catch((err: unknown) => err));
    standin.control.setMode('GetMediaData', 'error', { arg: 10001, count: 1 });
    expectNoSecret(await sdk.getMediaChunk('f', '', { passwd: PASSWD }).catch((err: unknown) => err));
  });

  it('keeps the encrypt_key, the ciphertext and the plaintext out of DecryptData errors', async () => {
    const sdk = await readySdk(standin);
    const ciphertext = encryptForStandin(KEY, PLAINTEXT);
    expectNoSecret(thrownBy(() => sdk.decryptData(`${KEY}\u0000`, ciphertext)));
    const wrongKey = thrownBy(() => sdk.decryptData('wrong-key-0000', ciphertext));
    expectNoSecret(wrongKey);
    expect(printable(wrongKey)).not.toContain(ciphertext.slice(8, 40));
    const notUtf8 = encryptForStandin(KEY, Buffer.concat([Buffer.from(PLAINTEXT), Buffer.from([0xff])]));
    expectNoSecret(thrownBy(() => sdk.decryptData(KEY, notUtf8)));
  });
});
