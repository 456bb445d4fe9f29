/**
 * Invariant 3 ("none in logs"), end to end: a harness gateway whose pino logger
 * (the production createLogger, at trace so every level is kept) writes to a
 * capturing stream. Secrets, a message body with a Chinese sentence, a phone
 * number and an openid are planted and driven through a flow with a success, a
 * passive reply, a forwarding failure that recovers, a forwarding failure that
 * exhausts its attempts, and refusals (bad signature, replay, oversized,
 * malformed XML, wrong mode). Then no planted value, nor the push ciphertext,
 * may appear anywhere in the captured log, and the log must be non-empty JSON
 * lines carrying the error ids the HTTP answers carried (so the test notices
 * when logging is simply off).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { aesKeyFromEncodingAESKey } from '../../connectors/wechat/callback/crypto';
import { OUTBOX_ENTITY, type OutboxRow } from '../../gateway/db/entities';
import { createLogger } from '../../gateway/observability/logger';
import * as pushes from '../../gateway/simulator/pushes';
import { DATABASE_KINDS } from '../db';
import { startHarness, testAppCredentials, type Harness } from '../gateway-harness';
import { startCoWechatApp, type TestInternalApp } from '../internal-apps';
import { captureStream, findLeaks, type Planted } from '../log-capture';
import { expectRefusal, freshMsgId, queryString, rawRequest, sealedPush, signQuery, waitFor, type RawResponse, type SigningAccount } from './support';

const SENTENCE = '请把我名下理财产品的赎回款转到尾号六六八八的账户';
const PHONE = '13912345678';
const REPLY_SENTENCE = '您好，专属客户经理稍后会致电确认赎回安排';

/** A front for an internal app that can be switched off (connections reset) and on again. */
async function switchableFront(target: string): Promise<{ url: string; down: boolean; close(): Promise<void> }> {
  const upstream = new URL(target);
  const state = { down: false };
  const server = http.createServer((req, res) => {
    if (state.down) {
      req.socket.destroy();
      return;
    }
    const fwd = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent: false }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${upstream.pathname}`;
  return {
    url,
    get down() {
      return state.down;
    },
    set down(v: boolean) {
      state.down = v;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL where nothing listens (connection refused). */
async function deadUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/wechat`;
}

const encryptOf = (body: string): string => {
  const m = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(body);
  if (!m) throw new Error('no Encrypt in the body');
  return m[1]!;
};

test('the leak scanner finds a planted value logged under a key the redaction list does not cover, and a slice of one', () => {
  const capture = captureStream();
  const logger = createLogger('trace', capture);
  const token = 'Zq8VwLr3NcT5yHbK2mXa7PdE4sGu9JfQ';
  logger.info({ note: `客户说：${SENTENCE}` }, 'unlisted key');
  logger.warn({ hint: `…${token.slice(9, 23)}…` }, 'a slice');
  logger.error({ content: SENTENCE, token, body: PHONE }, 'listed keys are censored');
  expect(capture.lines).toHaveLength(3);
  const hits = findLeaks(capture.lines, [{ name: 'sentence', value: SENTENCE, window: 4 }, { name: 'token', value: token, window: 12 }, { name: 'phone', value: PHONE }]);
  expect(hits).toEqual(['sentence in line 1', 'token in line 2']);
});

describe.each(DATABASE_KINDS)('log redaction over a full flow [%s]', (kind) => {
  const capture = captureStream();
  const botCreds = testAppCredentials();
  const ghostCreds = testAppCredentials();
  let h: Harness;
  let bot: TestInternalApp;
  let front: Awaited<ReturnType<typeof switchableFront>>;
  let signing: SigningAccount;
  let openid: string;
  /** Ciphertexts that went over the wire (pushes and the gateway's encrypted replies). */
  const ciphertexts: string[] = [];
  /** Error ids (and codes) the gateway's HTTP answers carried. */
  const answered: { errorId: string; code: string; status: number }[] = [];

  beforeAll(async () => {
    bot = await startCoWechatApp(botCreds, (m) => (m.MsgType === 'text' ? `${REPLY_SENTENCE} ${PHONE}` : ''));
    front = await switchableFront(bot.url);
    h = await startHarness({
      kind,
      accountMode: 'safe',
      logger: createLogger('trace', capture),
      apps: [
        { id: 'bot', credentials: botCreds, url: front.url, mode: 'safe', replies: true },
        { id: 'ghost', credentials: ghostCreds, url: await deadUrl(), mode: 'compatible' },
      ],
      overlay: { forwarding: { timeoutMs: 2000, backoffBaseMs: 100, backoffMaxMs: 400, sweepIntervalMs: 200, maxAttempts: 4 } },
    });
    signing = { token: h.account.token, aesKey: aesKeyFromEncodingAESKey(h.account.encodingAESKey), appId: h.account.appId, originalId: h.account.originalId };
    openid = h.sim.newFollowerOpenid(h.account.appId);
  });
  afterAll(async () => {
    await h?.close({ drop: true });
    await front?.close();
    await bot?.close();
  });

  const text = (content: string, msgId = freshMsgId()): string => pushes.textMessage({ toUserName: h.account.originalId, fromUserName: openid, content, msgId });
  const post = (query: Record<string, string>, body: string | Buffer): Promise<RawResponse> =>
    rawRequest(h.url, { path: `/callback/oa/${h.accountId}`, query: queryString(query), body });
  const refused = (res: RawResponse, status: number, code: string): void => {
    answered.push({ errorId: expectRefusal(res, status, code), code, status });
  };
  const outbox = () => h.gateway.dataSource.getRepository<OutboxRow>(OUTBOX_ENTITY);

  it('runs the flow: success with a passive reply, a forwarding failure that recovers, one that exhausts, and six refusals', async () => {
    // 1. Success with a passive reply carrying the phone number.
    const first = await h.sim.send(h.account.appId, text(`${SENTENCE}，我的电话是${PHONE}`));
    expect(first.outcome).toBe('replied');
    expect(first.reply).toContain(REPLY_SENTENCE);
    ciphertexts.push(encryptOf(first.request.body));

    // 2. The replying app is down: the push is acknowledged, the forward fails, then succeeds once the app is back.
    front.down = true;
    const second = await h.sim.send(h.account.appId, text(`${SENTENCE}（第二次）`));
    front.down = false;
    expect(second.outcome).toBe('acked');
    ciphertexts.push(encryptOf(second.request.body));
    const failedThenDone = async () => (await outbox().findBy({ target: 'bot' })).some((r) => r.status === 'done' && r.attempts >= 1 && r.lastError !== null);
    await waitFor(failedThenDone, 8000, 'the bot row to fail once and then be delivered');
    await waitFor(() => bot.received.filter((r) => String(r.message.Content).includes('第二次')).length === 1, 8000, 'the recovered forward');

    // 3. Bad signature on a body carrying the sentence, with the openid in the query.
    const forged = sealedPush(signing, 'safe', text(SENTENCE), { openid });
    ciphertexts.push(forged.encrypt!);
    refused(await post({ ...forged.query, signature: signQuery(signing, { token: 'someOtherToken' }).signature! }, forged.body), 401, 'bad-signature');

    // 4. Replay: accepted once (the reply comes back encrypted), the same query with other bytes is refused, the identical retry is acknowledged.
    const original = sealedPush(signing, 'safe', text(`${SENTENCE}（第三次）`), { openid });
    ciphertexts.push(original.encrypt!);
    const accepted = await post(original.query, original.body);
    expect(accepted.status).toBe(200);
    ciphertexts.push(encryptOf(accepted.body));
    refused(await post(original.query, original.body.replace('<xml>', '<xml><!-- again -->')), 403, 'replayed-nonce');
    expect((await post(original.query, original.body)).status).toBe(200);

    // 5. Oversized: the sentence and the phone number repeated past callbacks.maxBodyBytes.
    const filler = `${SENTENCE}${PHONE}`.repeat(Math.ceil(h.config.callbacks.maxBodyBytes / 40));
    const big = sealedPush(signing, 'safe', text(filler.slice(0, 100)), { openid });
    refused(await post(big.query, big.body.replace('</xml>', `<Note>${filler}</Note></xml>`)), 413, 'oversized');

    // 6. Malformed XML: a truncated plaintext inside a valid ciphertext, and a truncated envelope.
    const cut = text(SENTENCE);
    const truncatedInner = sealedPush(signing, 'safe', cut.slice(0, cut.indexOf(SENTENCE) + 6), { openid });
    ciphertexts.push(truncatedInner.encrypt!);
    refused(await post(truncatedInner.query, truncatedInner.body), 400, 'malformed-xml');
    const envelope = sealedPush(signing, 'safe', text(SENTENCE), { openid });
    ciphertexts.push(envelope.encrypt!);
    refused(await post(envelope.query, envelope.body.slice(0, envelope.body.length - 40)), 400, 'malformed-xml');

    // 7. A plaintext push (the sentence in clear) to the safe-mode account.
    const clear = sealedPush(signing, 'plain', text(`${SENTENCE}，电话${PHONE}`), { openid });
    refused(await post(clear.query, clear.body), 400, 'mode-mismatch');

    // 8. The app that never answers exhausts its attempts: an error-level line for an operator.
    await waitFor(async () => (await outbox().countBy({ target: 'ghost', status: 'pending' })) === 0, 10000, 'the ghost rows to exhaust their attempts');
    expect(await outbox().countBy({ target: 'ghost', status: 'failed' })).toBeGreaterThanOrEqual(3);
    expect(answered).toHaveLength(6);
  });

  it('writes non-empty JSON lines from the gateway logger at warn and error level', () => {
    expect(capture.lines.length).toBeGreaterThanOrEqual(answered.length);
    const parsed = capture.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const entry of parsed) {
      expect(entry).toMatchObject({ svc: 'cgw', level: expect.any(Number), time: expect.any(String), msg: expect.any(String) });
    }
    expect(parsed.some((e) => e.level === 40)).toBe(true);
    expect(parsed.some((e) => e.level === 50 && e.msg === 'outbox row failed after its last attempt; needs an operator')).toBe(true);
  });

  it('logs each refusal once with the error id, code and status its HTTP answer carried', () => {
    const parsed = capture.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const a of answered) {
      const lines = parsed.filter((e) => e.errorId === a.errorId);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ code: a.code, status: a.status, msg: 'request refused' });
    }
  });

  it('logs none of the account secrets, the app credentials, the message text, the phone number, the openid or any ciphertext', () => {
    const aesKey = aesKeyFromEncodingAESKey(h.account.encodingAESKey);
    const botKey = aesKeyFromEncodingAESKey(botCreds.encodingAESKey);
    const planted: Planted[] = [
      { name: 'account AppSecret', value: h.account.appSecret, window: 12 },
      { name: 'account Token', value: h.account.token, window: 12 },
      { name: 'account EncodingAESKey', value: h.account.encodingAESKey, window: 12 },
      { name: 'account AES key (base64)', value: aesKey.toString('base64'), window: 12 },
      { name: 'account AES key (hex)', value: aesKey.toString('hex'), window: 16 },
      { name: 'app secret', value: botCreds.appSecret, window: 12 },
      { name: 'app token', value: botCreds.token, window: 12 },
      { name: 'app EncodingAESKey', value: botCreds.encodingAESKey, window: 12 },
      { name: 'app AES key (base64)', value: botKey.toString('base64'), window: 12 },
      { name: 'second app token', value: ghostCreds.token, window: 12 },
      { name: 'second app EncodingAESKey', value: ghostCreds.encodingAESKey, window: 12 },
      { name: 'Chinese sentence', value: SENTENCE, window: 4 },
      { name: 'passive reply text', value: REPLY_SENTENCE, window: 4 },
      { name: 'phone number', value: PHONE },
      { name: 'openid', value: openid, window: 12 },
      ...ciphertexts.map((c, i) => ({ name: `ciphertext ${i + 1}`, value: c, window: 16 })),
    ];
    expect(ciphertexts.length).toBeGreaterThanOrEqual(7);
    expect(capture.lines.length).toBeGreaterThan(0);
    expect(findLeaks(capture.lines, planted)).toEqual([]);
  });
});
