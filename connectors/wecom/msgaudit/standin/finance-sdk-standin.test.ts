import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as koffi from 'koffi';
import { FinanceSdk } from '../finance-sdk/finance-sdk';
import { parseChatDataEnvelope, type RawChatRecord } from '../parse/envelope';
import { loadFinanceSdk } from '../finance-sdk/load-finance-sdk';
import { buildStandin } from './__tests__/build-standin';
import { encryptForStandin } from './__tests__/standin-cipher';
import { writeStandinFixture, type StandinChatRecord } from './__tests__/standin-fixture';
import { useFinanceStandin } from './__tests__/use-finance-standin';

const standin = useFinanceStandin();
const CORP = 'wwstandintest0001';
const SECRET = 'standin-secret-0001';
const record = (seq: number, msgid = `m${seq}`): StandinChatRecord => ({
  seq,
  msgid,
  publickey_ver: 1,
  encrypt_random_key: 'a2V5',
  encrypt_chat_msg: encryptForStandin('key', '{}'),
});

async function ready(): Promise<FinanceSdk> {
  const sdk = standin.track(new FinanceSdk(loadFinanceSdk(standin.libraryPath)));
  await sdk.init(CORP, SECRET);
  return sdk;
}

describe('the Finance SDK stand-in', () => {
  it('is compiled once and then reused from the cache', () => {
    const first = buildStandin();
    const builtAt = statSync(first).mtimeMs;
    expect(buildStandin()).toBe(first);
    expect(statSync(first).mtimeMs).toBe(builtAt);
    expect(first).toBe(standin.libraryPath);
  });

  it('says which compiler is missing and how to get it', () => {
    expect(() => buildStandin('cgw-no-such-compiler')).toThrow(/"cgw-no-such-compiler" is not on PATH: install gcc/);
  });

  it('counts an SDK buffer that was not freed as a live allocation', () => {
    const sdk = loadFinanceSdk(standin.libraryPath);
    const slice = sdk.NewSlice();
    expect(standin.control.liveAllocations()).toBe(1);
    sdk.FreeSlice(slice!);
    expect(standin.control.liveAllocations()).toBe(0);
  });

  it('answers limit 0 or above 1000 with 10000 itself, as the SDK does, for callers that skip validation', () => {
    standin.control.load({ corps: { [CORP]: { secret: SECRET, chatdata: [record(1)] } } });
    const sdk = loadFinanceSdk(standin.libraryPath);
    const handle = sdk.NewSdk()!;
    const slice = sdk.NewSlice()!;
    try {
      expect(sdk.Init(handle, CORP, SECRET)).toBe(0);
      expect([0, 1001].map((limit) => sdk.GetChatData(handle, 0n, limit, '', '', 5, slice))).toEqual([10000, 10000]);
      expect(sdk.GetChatData(handle, 0n, 1000, '', '', 5, slice)).toBe(0);
    } finally {
      sdk.FreeSlice(slice);
      sdk.DestroySdk(handle);
    }
  });

  it('returns msgids with quotes, backslashes and non-ASCII exactly as the fixture holds them', async () => {
    const msgid = 'q"uote\\back/slash 中文 😀';
    standin.control.load({ corps: { [CORP]: { secret: SECRET, chatdata: [record(1, msgid)] } } });
    const sdk = await ready();
    expect((parseChatDataEnvelope(await sdk.getChatData(0, 10)).chatdata[0] as RawChatRecord).msgid).toBe(msgid);
  });

  it('fails a call for exactly the count of calls it was told to', async () => {
    standin.control.load({ corps: { [CORP]: { secret: SECRET } } });
    standin.control.setMode('GetChatData', 'retryable', { count: 2 });
    const sdk = await ready();
    await expect(sdk.getChatData(0, 1)).rejects.toMatchObject({ code: 10001 });
    await expect(sdk.getChatData(0, 1)).rejects.toMatchObject({ code: 10001 });
    await expect(sdk.getChatData(0, 1)).resolves.toContain('"errcode":0');
  });

  it('refuses an unknown function name for a failure mode', () => {
    expect(() => standin.control.setMode('FreeSdk' as never, 'error', { arg: 10000 })).toThrow('refused');
  });

  it.each([
    ['not JSON', '{"corps": {', /not JSON: unterminated string|not JSON: expected a key|not JSON/],
    ['a duplicate seq', JSON.stringify({ corps: { [CORP]: { secret: SECRET, chatdata: [record(4), record(4)] } } }), /seq 4 appears twice/],
    ['a corp without secret', JSON.stringify({ corps: { [CORP]: {} } }), /needs a string secret/],
    ['media that is not base64', JSON.stringify({ corps: { [CORP]: { secret: SECRET, media: { f: '***' } } } }), /media f is not a base64 string/],
    ['a record without msgid', JSON.stringify({ corps: { [CORP]: { secret: SECRET, chatdata: [{ seq: 1 }] } } }), /needs seq, msgid/],
  ])('refuses a fixture with %s, saying why', (_what, text, reason) => {
    const dir = mkdtempSync(join(tmpdir(), 'cgw-standin-bad-fixture-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, text);
    try {
      expect(() => standin.control.loadFile(file)).toThrow(reason);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads the fixture named by CGW_STANDIN_DATA at Init when none is loaded (demo mode)', async () => {
    standin.control.unload();
    // Jest's process.env is a copy; the C getenv reads the real environment.
    const libc = koffi.load('libc.so.6');
    const setenv = libc.func('int setenv(const char* name, const char* value, int overwrite)');
    const unsetenv = libc.func('int unsetenv(const char* name)');
    const fixture = writeStandinFixture({ corps: { [CORP]: { secret: SECRET, chatdata: [record(1), record(2)] } } });
    setenv('CGW_STANDIN_DATA', fixture, 1);
    try {
      const sdk = await ready();
      expect(parseChatDataEnvelope(await sdk.getChatData(0, 10)).chatdata.map((r) => r.seq)).toEqual(['1', '2']);
    } finally {
      unsetenv('CGW_STANDIN_DATA');
      rmSync(dirname(fixture), { recursive: true, force: true });
    }
  });
});
