import { closedPortUrl, startBlackHole, startStub, type StubServer } from './__tests__/stub-server';
import { TencentApiClient, type TencentClientOptions } from './tencent-api-client';
import type { TencentApiError } from './tencent-api-error';

const TOKEN = '91_Zx8yQwErTyUiOpAsDfGhJkLzXcVbNm-1234567890_abcdefghijklmnop';

let stub: StubServer;
const clients: TencentApiClient[] = [];
beforeEach(async () => {
  stub = await startStub();
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await stub.close();
});

function client(options: Partial<TencentClientOptions> = {}): TencentApiClient {
  const created = new TencentApiClient({ product: 'oa', baseUrl: stub.url, timeoutMs: 2000, ...options });
  clients.push(created);
  return created;
}

async function failure(promise: Promise<import('./read-outcome').TencentResult>): Promise<TencentApiError> {
  const result = await promise;
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.body)}`);
  return result.error;
}

describe('TencentApiClient requests', () => {
  it('sends GET with the query and returns a body that has no errcode', async () => {
    stub.behave({ kind: 'json', body: { access_token: 'x', expires_in: 7200 } });
    const result = await client().get('/cgi-bin/user/info', { access_token: TOKEN, openid: 'o1', lang: 'zh_CN', skipped: undefined });
    expect(result).toEqual({ ok: true, body: { access_token: 'x', expires_in: 7200 } });
    expect(stub.requests[0]).toMatchObject({ method: 'GET', url: `/cgi-bin/user/info?access_token=${TOKEN}&openid=o1&lang=zh_CN` });
  });

  it('posts JSON as raw UTF-8 (no \\u escapes) and treats errcode 0 as success', async () => {
    stub.behave({ kind: 'json', body: { errcode: 0, errmsg: 'ok', msgid: 200228332 } });
    const result = await client().postJson('/cgi-bin/message/custom/send', {}, { touser: 'o1', text: { content: '您好' } });
    expect(result).toEqual({ ok: true, body: { errcode: 0, errmsg: 'ok', msgid: 200228332 } });
    const [request] = stub.requests;
    expect(request?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request?.body.toString('utf8')).toBe('{"touser":"o1","text":{"content":"您好"}}');
  });

  it('keeps a path prefix of the base URL', async () => {
    await client({ baseUrl: `${stub.url}/tencent/` }).get('/cgi-bin/getcallbackip');
    expect(stub.requests[0]?.url).toBe('/tencent/cgi-bin/getcallbackip');
  });

  it('uploads one file as multipart with the field name, filename and type given', async () => {
    await client().postMultipart('/cgi-bin/media/upload', { type: 'image' }, 'media', 'a.png', 'image/png', Buffer.from('PNGDATA'));
    const [request] = stub.requests;
    expect(request?.url).toBe('/cgi-bin/media/upload?type=image');
    expect(request?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(request?.body.toString('latin1')).toMatch(/name="media"; filename="a\.png"; filelength=7\r\nContent-Type: image\/png\r\n\r\nPNGDATA\r\n/);
  });

  it('refuses a path that carries a query or is not absolute', async () => {
    await expect(client().get(`/cgi-bin/token?access_token=${TOKEN}`)).rejects.toThrow(RangeError);
    await expect(client().get('cgi-bin/token')).rejects.toThrow(RangeError);
    expect(stub.requests).toHaveLength(0);
  });

  it('refuses a base URL with a query or credentials', () => {
    expect(() => new TencentApiClient({ product: 'oa', baseUrl: 'https://api.weixin.qq.com/?x=1', timeoutMs: 1000 })).toThrow(RangeError);
    expect(() => new TencentApiClient({ product: 'oa', baseUrl: 'https://u:p@api.weixin.qq.com', timeoutMs: 1000 })).toThrow(RangeError);
  });
});

describe('TencentApiClient failures', () => {
  it('maps an errcode to a typed error with a scrubbed errmsg and no URL, token or cause', async () => {
    stub.behave({ kind: 'json', body: { errcode: 40001, errmsg: `invalid credential, access_token is invalid or not latest rid: 1-2-3 (you sent access_token=${TOKEN})` } });
    const error = await failure(client().get('/cgi-bin/user/info', { access_token: TOKEN }));
    expect(error).toMatchObject({ name: 'TencentApiError', kind: 'errcode', errcode: 40001, retry: 'refresh-token', delivered: 'no', scope: 'account', code: 'tencent.40001', endpoint: 'GET /cgi-bin/user/info' });
    expect(error.errmsg).toBe('invalid credential, access_token is invalid or not latest rid: 1-2-3 (you sent access_token=[redacted])');
    expect(error.cause).toBeUndefined();
    for (const text of [error.message, error.stack ?? '', JSON.stringify(error)]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('access_token=9');
      expect(text).not.toContain(stub.url);
    }
  });

  it('accepts an errcode sent as a numeric string', async () => {
    stub.behave({ kind: 'json', body: { errcode: '45009', errmsg: 'reach max api daily quota limit' } });
    expect(await failure(client().get('/cgi-bin/user/get'))).toMatchObject({ errcode: 45009, retry: 'backoff', delivered: 'no' });
  });

  it.each<[string, import('./__tests__/stub-server').StubBehaviour, Partial<TencentApiError>]>([
    ['HTTP 503: back off, not delivered', { kind: 'raw', status: 503, body: '<html>busy</html>' }, { kind: 'http-status', httpStatus: 503, retry: 'backoff', delivered: 'no', label: 'http-503' }],
    ['HTTP 502: back off, maybe delivered', { kind: 'raw', status: 502, body: 'bad gateway' }, { kind: 'http-status', httpStatus: 502, retry: 'backoff', delivered: 'unknown' }],
    ['HTTP 500: back off, maybe delivered', { kind: 'raw', status: 500, body: '' }, { kind: 'http-status', retry: 'backoff', delivered: 'unknown' }],
    ['HTTP 504: back off, maybe delivered', { kind: 'raw', status: 504, body: '' }, { kind: 'http-status', retry: 'backoff', delivered: 'unknown' }],
    ['HTTP 429: back off, not delivered', { kind: 'raw', status: 429, body: '' }, { kind: 'http-status', retry: 'backoff', delivered: 'no' }],
    ['HTTP 404: never, check the URL', { kind: 'raw', status: 404, body: 'not found' }, { kind: 'http-status', retry: 'never', delivered: 'no', hint: 'check the Tencent base URL and the API path' }],
    ['HTTP 200 with HTML: maybe delivered', { kind: 'raw', status: 200, body: '<html>proxy login</html>' }, { kind: 'bad-response', retry: 'backoff', delivered: 'unknown', label: 'bad-response' }],
    ['truncated JSON: maybe delivered', { kind: 'raw', status: 200, body: '{"errcode":0,"errm', contentType: 'application/json' }, { kind: 'bad-response', delivered: 'unknown' }],
    ['a JSON array: maybe delivered', { kind: 'json', body: [1, 2] }, { kind: 'bad-response', delivered: 'unknown' }],
    ['a non-numeric errcode: maybe delivered', { kind: 'json', body: { errcode: 'oops' } }, { kind: 'bad-response', delivered: 'unknown' }],
    ['a reset after the request arrived: maybe delivered', { kind: 'reset-after-request' }, { kind: 'connection', transportCode: 'ECONNRESET', retry: 'backoff', delivered: 'unknown', label: 'connection' }],
    ['a reset in the middle of the answer: maybe delivered', { kind: 'reset-mid-answer' }, { kind: 'connection', retry: 'backoff', delivered: 'unknown' }],
  ])('%s', async (_name, behaviour, expected) => {
    stub.behave(behaviour);
    const error = await failure(client().postJson('/cgi-bin/message/custom/send', { access_token: TOKEN }, { touser: 'o1' }));
    expect(error).toMatchObject(expected);
    expect(error.message).not.toContain(TOKEN);
  });

  it('times out a hung exchange after the request was sent: back off, maybe delivered', async () => {
    stub.behave({ kind: 'hang' });
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 300 }).postJson('/cgi-bin/message/custom/send', { access_token: TOKEN }, {}));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toMatchObject({ kind: 'timeout', retry: 'backoff', delivered: 'unknown', label: 'timeout' });
    expect(error.message).toMatch(/no answer within 300 ms, after the request was sent/);
  });

  it('times out a request that could not even be written: back off, not delivered', async () => {
    const hole = await startBlackHole();
    try {
      const c = new TencentApiClient({ product: 'oa', baseUrl: hole.url, timeoutMs: 500 });
      clients.push(c);
      // Larger than every socket buffer between here and a peer that never reads.
      const error = await failure(c.postMultipart('/cgi-bin/media/upload', { access_token: TOKEN }, 'media', 'big.bin', 'application/octet-stream', Buffer.alloc(64 << 20)));
      expect(error).toMatchObject({ kind: 'timeout', retry: 'backoff', delivered: 'no' });
      expect(error.message).toMatch(/before the request was sent/);
    } finally {
      await hole.close();
    }
  });

  it('reports a refused connection: back off, not delivered', async () => {
    const c = new TencentApiClient({ product: 'wecom', baseUrl: await closedPortUrl(), timeoutMs: 2000 });
    clients.push(c);
    const error = await failure(c.get('/cgi-bin/gettoken', { corpid: 'ww1', corpsecret: 'corp-secret-value-123' }, { operation: 'token' }));
    expect(error).toMatchObject({ kind: 'connection', transportCode: 'ECONNREFUSED', retry: 'backoff', delivered: 'no', product: 'wecom', operation: 'token' });
    expect(error.message).not.toContain('corp-secret-value-123');
  });

  it('reports an unresolvable host with a hint', async () => {
    const c = new TencentApiClient({ product: 'oa', baseUrl: 'http://no-such-host.invalid', timeoutMs: 3000 });
    clients.push(c);
    const error = await failure(c.get('/cgi-bin/getcallbackip'));
    expect(error).toMatchObject({ kind: 'connection', delivered: 'no', retry: 'backoff' });
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(error.transportCode);
    expect(error.hint).toMatch(/DNS/);
  });

  it('refuses an answer larger than the limit', async () => {
    stub.behave({ kind: 'raw', status: 200, body: Buffer.alloc(10_000, 0x20) });
    const error = await failure(client({ maxResponseBytes: 4096 }).get('/cgi-bin/user/get'));
    expect(error).toMatchObject({ kind: 'response-too-large', retry: 'never', delivered: 'unknown' });
  });
});
