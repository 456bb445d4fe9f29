/**
 * Every kind of bad input Tencent's callback URL can receive, over real HTTP
 * against a harness gateway, on SQLite and PostgreSQL, with the account in
 * each of the three modes: the answer is the specific 4xx and error code, and
 * nothing is half-written (no archive_record, outbox or callback_nonce row;
 * nothing reaches the internal app).
 *
 * The harness account uses the identity of the hostile fixtures' test account
 * (connectors/wechat/callback/fixtures/signed-push.ts), so every file in
 * fixtures/hostile/ is delivered byte for byte as the README table says.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CALLBACK_ERROR_STATUS, type CallbackErrorCode } from '../../connectors/wechat/callback/errors';
import { decryptFor, encryptMessage, msgSignature, plainSignature } from '../../connectors/wechat/callback/crypto';
import { TEST_ACCOUNT, TEST_AES_KEY, textMessage as fixtureTextMessage } from '../../connectors/wechat/callback/fixtures/signed-push';
import { buildXml } from '../../connectors/wechat/callback/xml';
import type { MessageMode } from '../../gateway/config/schema';
import { createSimulatedAccount } from '../../gateway/simulator/accounts';
import * as pushes from '../../gateway/simulator/pushes';
import { DATABASE_KINDS, openTestDatabase } from '../db';
import { startHarness, testAppCredentials, type Harness } from '../gateway-harness';
import { startCoWechatApp, type TestInternalApp } from '../internal-apps';
import {
  envelopeBody, expectRefusal, freshMsgId, nowSeconds, queryString, rawRequest, rowCounts, sealedPush, signQuery, sleep, waitFor,
  type RawResponse, type SigningAccount,
} from './support';

const MODES: MessageMode[] = ['plain', 'compatible', 'safe'];
const HOSTILE_DIR = join(__dirname, '../../connectors/wechat/callback/fixtures/hostile');
const ACCOUNT: SigningAccount = { token: TEST_ACCOUNT.token, aesKey: TEST_AES_KEY, appId: TEST_ACCOUNT.appId, originalId: TEST_ACCOUNT.originalId };
const OTHER_APP_ID = 'wx9999999999999999';

// ---------------------------------------------------------------------------
// Hostile documents, each built around the child elements of a real push (so
// everything but the one defect is valid). CANARY marks request content that
// must never be echoed in an error answer.

/** A text push of the fixture account with a fresh MsgId. */
const textPush = (content = 'CANARY 你好', msgId = freshMsgId()): string =>
  pushes.textMessage({ toUserName: ACCOUNT.originalId, fromUserName: TEST_ACCOUNT.openid, content, msgId });

const childrenOf = (xml: string): string => xml.replace(/^\s*<xml>/, '').replace(/<\/xml>\s*$/, '');

const LAUGHS = Array.from({ length: 10 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('\n');

type HostileXml = 'truncated' | 'deeply nested' | 'XXE' | 'billion laughs' | 'DOCTYPE';

/** The hostile XML documents the brief names, with what the gateway must answer. */
const HOSTILE_XML: readonly [HostileXml, number, CallbackErrorCode][] = [
  ['truncated', 400, 'malformed-xml'],
  ['deeply nested', 400, 'xml-too-deep'],
  ['XXE', 400, 'xml-entity'],
  ['billion laughs', 400, 'xml-entity'],
  ['DOCTYPE', 400, 'xml-doctype'],
];

/** `<xml>children</xml>` made hostile in one way. */
function hostileXml(kind: HostileXml, children: string): string {
  const doc = `<xml>${children}</xml>`;
  switch (kind) {
    case 'truncated': return doc.slice(0, Math.floor(doc.length * 0.6));
    case 'deeply nested': return `<xml>${children}<Extra>${'<a>'.repeat(40)}CANARY${'</a>'.repeat(40)}</Extra></xml>`;
    case 'XXE': return `<?xml version="1.0"?>\n<!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<xml>${children}<Extra>&xxe;</Extra></xml>`;
    case 'billion laughs': return `<?xml version="1.0"?>\n<!DOCTYPE xml [\n<!ENTITY lol0 "CANARY">\n${LAUGHS}\n]>\n<xml>${children}<Extra>&lol10;</Extra></xml>`;
    case 'DOCTYPE': return `<!DOCTYPE xml SYSTEM "http://attacker.example/CANARY.dtd">\n${doc}`;
  }
}

/**
 * AES-256-CBC of a WXBizMsgCrypt plaintext (random | msg_len | msg | receiveId) built by hand from raw
 * message bytes; `padding: 'wrong'` makes the PKCS#7 pad bytes disagree with the pad length.
 */
function encryptBytes(aesKey: Buffer, msg: Buffer, receiveId: string, padding: 'pkcs7' | 'wrong' = 'pkcs7'): string {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length, 0);
  const body = Buffer.concat([randomBytes(16), len, msg, Buffer.from(receiveId, 'utf8')]);
  const n = 32 - (body.length % 32);
  const pad = Buffer.alloc(n, n);
  if (padding === 'wrong') pad[n - 1] = (n % 32) + 1; // claims one byte more than was padded (or 1 where 32 were): never consistent
  const cipher = createCipheriv('aes-256-cbc', aesKey, aesKey.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([body, pad])), cipher.final()]).toString('base64');
}

/** A compatible/safe envelope around `encrypt` whose clear part is harmless (so only the ciphertext is on trial). */
function cleanEnvelope(mode: MessageMode, encrypt: string): string {
  const clear = mode === 'compatible'
    ? `<ToUserName><![CDATA[${ACCOUNT.originalId}]]></ToUserName><FromUserName><![CDATA[${TEST_ACCOUNT.openid}]]></FromUserName><CreateTime>${nowSeconds()}</CreateTime><MsgType><![CDATA[text]]></MsgType>`
    : `<ToUserName><![CDATA[${ACCOUNT.originalId}]]></ToUserName>`;
  return `<xml>${clear}<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
}

// ---------------------------------------------------------------------------
// The hostile fixture table (fixtures/hostile/README.md is the spec for each file).

interface FixtureRow {
  file: string;
  mode: MessageMode;
  query: 'valid' | 'stale' | 'no-signature' | 'bad-signature' | 'bad-msg-signature';
  expected: CallbackErrorCode | 'accepted';
}

function readFixtureTable(): FixtureRow[] {
  return readFileSync(join(HOSTILE_DIR, 'README.md'), 'utf8').split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| file') && !l.startsWith('|---'))
    .map((line) => {
      const [file, mode, query, expected] = line.split('|').slice(1, -1).map((c) => c.trim());
      return { file, mode, query, expected } as FixtureRow;
    });
}

const FIXTURE_ROWS = readFixtureTable();

/** The generated rows of the table, made to the README's description. */
function fixtureBody(file: string): Buffer {
  if (file === '<generated:oversized>') {
    const frame = Buffer.byteLength(buildXml(fixtureTextMessage('')));
    return Buffer.from(buildXml(fixtureTextMessage(`CANARY${'x'.repeat(64 * 1024 + 1 - frame - 6)}`)));
  }
  if (file === '<generated:long-text-value>') return Buffer.from(buildXml(fixtureTextMessage(`CANARY${'x'.repeat(32 * 1024 + 1 - 6)}`)));
  if (file.startsWith('<generated:')) throw new Error(`no generator for ${file}`);
  return readFileSync(join(HOSTILE_DIR, file));
}

/** The row's query, signed now with a fresh nonce (the files store only bodies). */
function fixtureQuery(row: FixtureRow, raw: Buffer): Record<string, string> {
  // Read Encrypt with a regex, not with the parser under test.
  const encrypt = row.mode === 'plain' ? undefined : /<Encrypt><!\[CDATA\[([^\]]*)\]\]><\/Encrypt>/.exec(raw.toString('utf8'))?.[1];
  const openid = TEST_ACCOUNT.openid;
  switch (row.query) {
    case 'valid': return signQuery(ACCOUNT, { encrypt, openid });
    case 'stale': return signQuery(ACCOUNT, { encrypt, openid, timestamp: String(nowSeconds() - 3600) });
    case 'no-signature': {
      const { signature: _dropped, ...rest } = signQuery(ACCOUNT, { encrypt, openid });
      return rest;
    }
    case 'bad-signature': return signQuery(ACCOUNT, { encrypt, openid, token: 'someOtherToken' });
    case 'bad-msg-signature': {
      const q = signQuery(ACCOUNT, { encrypt: 'x', openid });
      return { ...q, msg_signature: msgSignature('someOtherToken', q.timestamp!, q.nonce!, encrypt ?? '') };
    }
  }
}

/** MsgId of an accepted fixture (decrypting it when encrypted), so the final check knows what the app may receive. */
function fixtureMsgId(row: FixtureRow, raw: Buffer): string {
  const text = raw.toString('utf8');
  const plain = row.mode === 'plain' ? text : decryptFor(TEST_AES_KEY, /<Encrypt><!\[CDATA\[([^\]]*)\]\]>/.exec(text)![1]!, ACCOUNT.appId).message;
  return /<MsgId>(\d+)<\/MsgId>/.exec(plain)![1]!;
}

test('every file in fixtures/hostile/ has a row, so each is delivered over HTTP below', () => {
  const listed = new Set(FIXTURE_ROWS.map((r) => r.file).filter((f) => !f.startsWith('<generated:')));
  expect([...listed].sort()).toEqual(readdirSync(HOSTILE_DIR).filter((f) => f !== 'README.md').sort());
  for (const row of FIXTURE_ROWS) {
    expect(MODES).toContain(row.mode);
    if (row.expected !== 'accepted') expect(Object.keys(CALLBACK_ERROR_STATUS)).toContain(row.expected);
  }
});

// ---------------------------------------------------------------------------

describe.each(DATABASE_KINDS.flatMap((kind) => MODES.map((mode) => [kind, mode] as const)))('bad input over HTTP [%s, account in %s mode]', (kind, mode) => {
  const encrypted = mode !== 'plain';
  const appCreds = testAppCredentials();
  let h: Harness;
  let app: TestInternalApp;
  /** MsgIds of the pushes this block expects the gateway to accept (and forward once each). */
  const accepted = new Set<string>();

  beforeAll(async () => {
    app = await startCoWechatApp(appCreds);
    const db = await openTestDatabase(kind);
    const account = createSimulatedAccount({
      callbackUrl: 'http://placeholder/', mode,
      appId: TEST_ACCOUNT.appId, originalId: TEST_ACCOUNT.originalId, token: TEST_ACCOUNT.token, encodingAESKey: TEST_ACCOUNT.encodingAESKey,
    });
    h = await startHarness({ kind, accountMode: mode, apps: [{ id: 'crm', credentials: appCreds, url: app.url }], reuse: { db, dataDir: mkdtempSync(join(tmpdir(), 'cgw-e2e-')), account } });
  });
  afterAll(async () => {
    await h?.close({ drop: true });
    await app?.close();
  });

  const callbackPath = () => `/callback/oa/${h.accountId}`;
  const post = (query: Record<string, string> | string, body: string | Buffer, extra: { chunked?: boolean; path?: string; method?: string } = {}): Promise<RawResponse> =>
    rawRequest(h.url, { method: extra.method ?? 'POST', path: extra.path ?? callbackPath(), query: typeof query === 'string' ? query : queryString(query), body, ...(extra.chunked ? { chunked: true } : {}) });
  const get = (query: Record<string, string> | string, path = callbackPath()): Promise<RawResponse> =>
    rawRequest(h.url, { method: 'GET', path, query: typeof query === 'string' ? query : queryString(query) });

  /** A correctly signed push of `plaintext` in this block's mode. */
  const sealed = (plaintext: string, opts: Parameters<typeof sealedPush>[3] = {}) => sealedPush(ACCOUNT, mode, plaintext, { openid: TEST_ACCOUNT.openid, ...opts });

  /** Pushes the app received that the block did not accept (the last test waits for every forward and checks them all). */
  const strays = (): string[] => app.received.map((r) => String(r.message.MsgId)).filter((id) => !accepted.has(id));

  /** Send, expect the refusal, and prove nothing was written or forwarded. Returns the error id. */
  async function expectRefusedWithoutEffect(send: () => Promise<RawResponse>, status: number, code: string): Promise<string> {
    const before = await rowCounts(h);
    const straysBefore = strays().length;
    const res = await send();
    // Wrongly accepted: let its forward land now, so the failure shows here and not in a later test.
    if (res.status < 300) await sleep(500);
    const errorId = expectRefusal(res, status, code);
    expect(res.body).not.toContain('CANARY');
    expect(await rowCounts(h)).toEqual(before);
    expect(strays()).toHaveLength(straysBefore);
    return errorId;
  }

  /** Send a push that must be accepted: 200 `success`, one more record. */
  async function expectAccepted(msgId: string, send: () => Promise<RawResponse>): Promise<void> {
    const before = await rowCounts(h);
    const res = await send();
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: 'success' });
    accepted.add(msgId);
    expect(await rowCounts(h)).toEqual({ archiveRecord: before.archiveRecord + 1, outbox: before.outbox + 1, callbackNonce: before.callbackNonce + 1 });
  }

  // --- URL verification handshake (GET), the same in every mode -----------------

  describe('URL-verification handshake', () => {
    it('echoes echostr verbatim for a correctly signed handshake, writing nothing', async () => {
      const before = await rowCounts(h);
      const echostr = '4905693429867462316';
      const res = await get({ ...signQuery(ACCOUNT), echostr });
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: echostr });
      expect(await rowCounts(h)).toEqual(before);
      expect((await h.sim.verifyUrl(h.account.appId)).ok).toBe(true);
    });

    it('refuses a handshake with a bad signature with 401 bad-signature', async () => {
      await expectRefusedWithoutEffect(() => get({ ...signQuery(ACCOUNT, { token: 'someOtherToken' }), echostr: '4905693429867462316' }), 401, 'bad-signature');
    });

    it('refuses a handshake without echostr with 400 missing-param', async () => {
      await expectRefusedWithoutEffect(() => get(signQuery(ACCOUNT)), 400, 'missing-param');
    });

    it.each(['signature', 'timestamp', 'nonce'])('refuses a handshake without %s with 400 missing-param', async (name) => {
      const query: Record<string, string> = { ...signQuery(ACCOUNT), echostr: '4905693429867462316' };
      const { [name]: _dropped, ...rest } = query;
      await expectRefusedWithoutEffect(() => get(rest), 400, 'missing-param');
    });

    it('refuses a handshake that repeats echostr with 400 repeated-param', async () => {
      const pairs: [string, string][] = [...Object.entries(signQuery(ACCOUNT)), ['echostr', '4905693429867462316'], ['echostr', 'CANARY']];
      await expectRefusedWithoutEffect(() => get(queryString(pairs)), 400, 'repeated-param');
    });

    it('refuses to reflect an echostr that is not Tencent-shaped with 400 bad-param', async () => {
      await expectRefusedWithoutEffect(() => get({ ...signQuery(ACCOUNT), echostr: '<script>CANARY</script>' }), 400, 'bad-param');
    });

    it('refuses a handshake for an unknown account with 404 unknown-account', async () => {
      await expectRefusedWithoutEffect(() => get({ ...signQuery(ACCOUNT), echostr: '4905693429867462316' }, '/callback/oa/no-such-account'), 404, 'unknown-account');
    });
  });

  // --- signatures and the query string -------------------------------------------

  it('accepts a correctly signed push (control for every refusal below)', async () => {
    const msgId = freshMsgId();
    const p = sealed(textPush('hello', msgId));
    await expectAccepted(msgId, () => post(p.query, p.body));
  });

  it('refuses a push signed with another token with 401 bad-signature', async () => {
    const plaintext = textPush();
    const p = sealed(plaintext);
    const forged = signQuery(ACCOUNT, { token: 'someOtherToken', ...(p.encrypt ? { encrypt: p.encrypt } : {}), timestamp: p.query.timestamp, nonce: p.query.nonce });
    await expectRefusedWithoutEffect(() => post({ ...p.query, signature: forged.signature! }, p.body), 401, 'bad-signature');
  });

  it('refuses the right signature in upper-case hex with 401 bad-signature (one signature has one spelling)', async () => {
    const p = sealed(textPush());
    await expectRefusedWithoutEffect(() => post({ ...p.query, signature: p.query.signature!.toUpperCase() }, p.body), 401, 'bad-signature');
  });

  if (encrypted) it('refuses a push whose msg_signature was made with another token with 401 bad-msg-signature', async () => {
    const p = sealed(textPush());
    const bad = msgSignature('someOtherToken', p.query.timestamp!, p.query.nonce!, p.encrypt!);
    await expectRefusedWithoutEffect(() => post({ ...p.query, msg_signature: bad }, p.body), 401, 'bad-msg-signature');
  });

  if (encrypted) it('refuses a push whose msg_signature covers another Encrypt with 401 bad-msg-signature', async () => {
    const p = sealed(textPush());
    const other = sealed(textPush());
    await expectRefusedWithoutEffect(() => post({ ...p.query, msg_signature: other.query.msg_signature! }, p.body), 401, 'bad-msg-signature');
  });

  it('refuses a push whose timestamp is older than callbacks.maxSkewSeconds with 403 stale-timestamp', async () => {
    const p = sealed(textPush(), { timestamp: String(nowSeconds() - h.config.callbacks.maxSkewSeconds - 30) });
    await expectRefusedWithoutEffect(() => post(p.query, p.body), 403, 'stale-timestamp');
  });

  it('refuses a push whose timestamp is further ahead than callbacks.maxSkewSeconds with 403 stale-timestamp', async () => {
    const p = sealed(textPush(), { timestamp: String(nowSeconds() + h.config.callbacks.maxSkewSeconds + 30) });
    await expectRefusedWithoutEffect(() => post(p.query, p.body), 403, 'stale-timestamp');
  });

  it('accepts a push whose timestamp is just inside callbacks.maxSkewSeconds (the window is the configured one)', async () => {
    const msgId = freshMsgId();
    const p = sealed(textPush('hello', msgId), { timestamp: String(nowSeconds() - h.config.callbacks.maxSkewSeconds + 20) });
    await expectAccepted(msgId, () => post(p.query, p.body));
  });

  const signedParams = encrypted ? ['signature', 'timestamp', 'nonce', 'msg_signature'] : ['signature', 'timestamp', 'nonce'];

  it.each(signedParams)('refuses a push without %s with 400 missing-param', async (name) => {
    const p = sealed(textPush());
    const { [name]: _dropped, ...rest } = p.query;
    await expectRefusedWithoutEffect(() => post(rest, p.body), 400, 'missing-param');
  });

  it.each(signedParams)('refuses a push with an empty %s with 400 missing-param', async (name) => {
    const p = sealed(textPush());
    await expectRefusedWithoutEffect(() => post({ ...p.query, [name]: '' }, p.body), 400, 'missing-param');
  });

  if (encrypted) it('refuses an encrypted push without encrypt_type with 400 mode-mismatch', async () => {
    const p = sealed(textPush());
    const { encrypt_type: _dropped, ...rest } = p.query;
    await expectRefusedWithoutEffect(() => post(rest, p.body), 400, 'mode-mismatch');
  });

  it.each([...signedParams, ...(encrypted ? ['encrypt_type'] : []), 'openid'])('refuses a push that repeats %s (even with the same value) with 400 repeated-param', async (name) => {
    const p = sealed(textPush());
    const pairs: [string, string][] = Object.entries(p.query);
    pairs.push([name, p.query[name]!]);
    await expectRefusedWithoutEffect(() => post(queryString(pairs), p.body), 400, 'repeated-param');
  });

  it('refuses a push with a malformed timestamp with 400 bad-param', async () => {
    const p = sealed(textPush());
    const timestamp = `${p.query.timestamp}.5`;
    await expectRefusedWithoutEffect(() => post({ ...p.query, timestamp, signature: plainSignature(ACCOUNT.token, timestamp, p.query.nonce!) }, p.body), 400, 'bad-param');
  });

  it(`refuses a push in the wrong mode for a ${mode} account with 400 mode-mismatch`, async () => {
    const wrong = sealedPush(ACCOUNT, encrypted ? 'plain' : 'safe', textPush(), { openid: TEST_ACCOUNT.openid });
    await expectRefusedWithoutEffect(() => post(wrong.query, wrong.body), 400, 'mode-mismatch');
  });

  // --- replays -------------------------------------------------------------------

  it('answers the identical request again (Tencent’s retry) with 200 success and archives and forwards it once', async () => {
    const msgId = freshMsgId();
    const p = sealed(textPush('hello', msgId));
    await expectAccepted(msgId, () => post(p.query, p.body));
    const after = await rowCounts(h);
    const retry = await post(p.query, p.body);
    expect({ status: retry.status, body: retry.body }).toEqual({ status: 200, body: 'success' });
    expect(await rowCounts(h)).toEqual(after);
    await waitFor(() => app.received.some((r) => r.message.MsgId === msgId), 8000, 'forward of the accepted push');
    await sleep(300);
    expect(app.received.filter((r) => r.message.MsgId === msgId)).toHaveLength(1);
  });

  if (!encrypted) it('refuses the signed query replayed with a different body with 403 replayed-nonce', async () => {
    const msgId = freshMsgId();
    const p = sealed(textPush('hello', msgId));
    await expectAccepted(msgId, () => post(p.query, p.body));
    await expectRefusedWithoutEffect(() => post(p.query, textPush('CANARY forged')), 403, 'replayed-nonce');
  });

  it('refuses the signed query replayed with the same message in different bytes with 403 replayed-nonce', async () => {
    const msgId = freshMsgId();
    const p = sealed(textPush('hello', msgId));
    await expectAccepted(msgId, () => post(p.query, p.body));
    // Same message (and, encrypted, the same Encrypt, so msg_signature verifies), other bytes.
    const rewrapped = p.body.replace('<xml>', '<xml><!-- CANARY -->');
    expect(rewrapped).not.toBe(p.body);
    await expectRefusedWithoutEffect(() => post(p.query, rewrapped), 403, 'replayed-nonce');
  });

  if (encrypted) it('refuses the signed query replayed with another ciphertext with 401 bad-msg-signature', async () => {
    const msgId = freshMsgId();
    const p = sealed(textPush('hello', msgId));
    await expectAccepted(msgId, () => post(p.query, p.body));
    const other = sealed(textPush('CANARY forged'));
    await expectRefusedWithoutEffect(() => post(p.query, other.body), 401, 'bad-msg-signature');
  });

  // --- ciphertext ------------------------------------------------------------------

  if (encrypted) it('refuses a ciphertext made for another AppID with the right key with 403 wrong-appid', async () => {
    const p = sealed(textPush(), { receiveId: OTHER_APP_ID });
    await expectRefusedWithoutEffect(() => post(p.query, p.body), 403, 'wrong-appid');
  });

  if (encrypted) it('refuses an Encrypt that is not base64 (signed as sent) with 400 bad-base64', async () => {
    const good = encryptMessage(ACCOUNT.aesKey, textPush(), ACCOUNT.appId);
    const encrypt = `${good.slice(0, 20)}*${good.slice(21)}`;
    await expectRefusedWithoutEffect(() => post(signQuery(ACCOUNT, { encrypt }), cleanEnvelope(mode, encrypt)), 400, 'bad-base64');
  });

  if (encrypted) it('refuses a ciphertext with wrong PKCS#7 padding (made by hand) with 400 bad-padding', async () => {
    const encrypt = encryptBytes(ACCOUNT.aesKey, Buffer.from(textPush()), ACCOUNT.appId, 'wrong');
    await expectRefusedWithoutEffect(() => post(signQuery(ACCOUNT, { encrypt }), cleanEnvelope(mode, encrypt)), 400, 'bad-padding');
  });

  if (encrypted) it('refuses a ciphertext whose length is not a multiple of the block with 400 bad-padding', async () => {
    const encrypt = Buffer.concat([Buffer.from(encryptMessage(ACCOUNT.aesKey, textPush(), ACCOUNT.appId), 'base64'), randomBytes(16)]).toString('base64');
    await expectRefusedWithoutEffect(() => post(signQuery(ACCOUNT, { encrypt }), cleanEnvelope(mode, encrypt)), 400, 'bad-padding');
  });

  if (encrypted) it('refuses a correctly encrypted message whose plaintext is not UTF-8 with 400 malformed-xml (nothing archived altered)', async () => {
    const [head, tail] = textPush('CANARY', freshMsgId()).split('CANARY') as [string, string];
    const encrypt = encryptBytes(ACCOUNT.aesKey, Buffer.concat([Buffer.from(head), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(tail)]), ACCOUNT.appId);
    await expectRefusedWithoutEffect(() => post(signQuery(ACCOUNT, { encrypt }), cleanEnvelope(mode, encrypt)), 400, 'malformed-xml');
  });

  if (mode === 'compatible') it('refuses a compatible body whose clear Content disagrees with the encrypted one with 400 field-mismatch', async () => {
    const msgId = freshMsgId();
    const encrypt = encryptMessage(ACCOUNT.aesKey, textPush('hello', msgId), ACCOUNT.appId);
    const body = envelopeBody('compatible', textPush('CANARY forged', msgId), ACCOUNT.originalId, encrypt);
    await expectRefusedWithoutEffect(() => post(signQuery(ACCOUNT, { encrypt }), body), 400, 'field-mismatch');
  });

  // --- hostile XML -------------------------------------------------------------------

  it.each(HOSTILE_XML)(`refuses a %s body${encrypted ? ' (the envelope itself)' : ''} with %i %s`, async (kind, status, code) => {
    if (!encrypted) {
      const body = hostileXml(kind, childrenOf(textPush()));
      await expectRefusedWithoutEffect(() => post(signQuery(ACCOUNT, { openid: TEST_ACCOUNT.openid }), body), status, code);
      return;
    }
    // Everything else valid: a real ciphertext with a msg_signature that verifies.
    const encrypt = encryptMessage(ACCOUNT.aesKey, textPush(), ACCOUNT.appId);
    const body = hostileXml(kind, childrenOf(cleanEnvelope(mode, encrypt)));
    await expectRefusedWithoutEffect(() => post(signQuery(ACCOUNT, { encrypt }), body), status, code);
  });

  if (encrypted) it.each(HOSTILE_XML)('refuses a correctly encrypted message whose plaintext is %s with %i %s', async (kind, status, code) => {
    const encrypt = encryptMessage(ACCOUNT.aesKey, hostileXml(kind, childrenOf(textPush())), ACCOUNT.appId);
    await expectRefusedWithoutEffect(() => post(signQuery(ACCOUNT, { encrypt }), cleanEnvelope(mode, encrypt)), status, code);
  });

  // --- size ------------------------------------------------------------------------

  /** A correctly signed push padded with an XML comment to exactly `bytes` bytes. */
  function pushOfSize(bytes: number, msgId = freshMsgId()): { query: Record<string, string>; body: Buffer } {
    const p = sealed(textPush('hello', msgId));
    const frame = Buffer.byteLength(p.body) + '<!--'.length + '-->'.length;
    const body = Buffer.from(p.body.replace('<xml>', `<xml><!--${'x'.repeat(bytes - frame)}-->`), 'utf8');
    expect(body.length).toBe(bytes);
    return { query: p.query, body };
  }

  it('accepts a push of exactly callbacks.maxBodyBytes', async () => {
    const msgId = freshMsgId();
    const p = pushOfSize(h.config.callbacks.maxBodyBytes, msgId);
    await expectAccepted(msgId, () => post(p.query, p.body));
  });

  it('refuses a correctly signed push one byte over callbacks.maxBodyBytes with 413 oversized', async () => {
    const p = pushOfSize(h.config.callbacks.maxBodyBytes + 1);
    await expectRefusedWithoutEffect(() => post(p.query, p.body), 413, 'oversized');
  });

  it('refuses a chunked body (no Content-Length) over callbacks.maxBodyBytes with 413 oversized', async () => {
    const p = pushOfSize(h.config.callbacks.maxBodyBytes + 4096);
    await expectRefusedWithoutEffect(() => post(p.query, p.body, { chunked: true }), 413, 'oversized');
  });

  it('refuses an oversized body before verifying or parsing it: unsigned non-XML bytes get 413, not 401 or 400', async () => {
    const body = Buffer.alloc(h.config.callbacks.maxBodyBytes * 4, '<!DOCTYPE CANARY');
    await expectRefusedWithoutEffect(() => post('', body), 413, 'oversized');
  });

  it('answers 413 as soon as Content-Length exceeds the limit, without waiting for the body', async () => {
    const before = await rowCounts(h);
    const p = sealed(textPush());
    const url = new URL(`${callbackPath()}?${queryString(p.query)}`, h.url);
    const res = await new Promise<RawResponse>((resolve, reject) => {
      const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'text/xml', 'content-length': String(100 * 1024 * 1024) } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => {
          req.destroy();
          resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.on('error', reject);
      req.write(Buffer.from(p.body)); // a few hundred bytes of the announced 100 MiB; the rest never comes
      setTimeout(() => {
        req.destroy();
        reject(new Error('no answer within 3 s: the gateway waited for the announced body'));
      }, 3000).unref();
    });
    expectRefusal(res, 413, 'oversized');
    expect(await rowCounts(h)).toEqual(before);
  });

  // --- routing -----------------------------------------------------------------------

  it('refuses a push for an unknown account with 404 unknown-account', async () => {
    const p = sealed(textPush());
    await expectRefusedWithoutEffect(() => post(p.query, p.body, { path: '/callback/oa/no-such-account' }), 404, 'unknown-account');
  });

  it('refuses a push addressed by AppID instead of the configured account id with 404 unknown-account', async () => {
    const p = sealed(textPush());
    await expectRefusedWithoutEffect(() => post(p.query, p.body, { path: `/callback/oa/${ACCOUNT.appId}` }), 404, 'unknown-account');
  });

  it.each(['PUT', 'PATCH', 'DELETE', 'PROPFIND'])('refuses a push sent with %s with 405 method-not-allowed and an Allow header', async (method) => {
    const p = sealed(textPush());
    let res: RawResponse | undefined;
    await expectRefusedWithoutEffect(async () => (res = await post(p.query, p.body, { method })), 405, 'method-not-allowed');
    expect(res?.headers.allow).toMatch(/\bPOST\b/);
  });

  it('refuses a push sent with GET (no echostr) with 400 missing-param', async () => {
    const p = sealed(textPush());
    await expectRefusedWithoutEffect(() => rawRequest(h.url, { method: 'GET', path: callbackPath(), query: queryString(p.query), body: p.body }), 400, 'missing-param');
  });

  // --- every hostile fixture file --------------------------------------------------

  const rows = FIXTURE_ROWS.filter((r) => r.mode === mode);
  it.each(rows.map((r) => [`${r.file} (${r.query} query)`, r.expected, r] as const))('delivers hostile fixture %s over HTTP: %s', async (_name, _expected, row) => {
    const raw = fixtureBody(row.file);
    const query = fixtureQuery(row, raw);
    if (row.expected === 'accepted') {
      const res = await post(query, raw);
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: 'success' });
      accepted.add(fixtureMsgId(row, raw));
      return;
    }
    await expectRefusedWithoutEffect(() => post(query, raw), CALLBACK_ERROR_STATUS[row.expected], row.expected);
  });

  // --- what reached the internal app ------------------------------------------------

  it('forwarded to the internal app exactly the accepted pushes, each once, and nothing refused', async () => {
    const sentinel = freshMsgId();
    const report = await h.sim.send(h.account.appId, pushes.textMessage({ toUserName: ACCOUNT.originalId, fromUserName: h.sim.newFollowerOpenid(h.account.appId), content: 'sentinel', msgId: sentinel }));
    expect(report.outcome).toBe('acked');
    accepted.add(sentinel);
    await waitFor(() => app.received.some((r) => r.message.MsgId === sentinel), 8000, 'forward of the sentinel');
    await waitFor(() => app.received.length >= accepted.size, 8000, 'forward of every accepted push');
    await sleep(300); // room for a stray forward to arrive
    expect(app.received.map((r) => String(r.message.MsgId)).sort()).toEqual([...accepted].sort());
    expect(accepted.size).toBeGreaterThanOrEqual(6);
  });
});
