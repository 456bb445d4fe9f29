/**
 * Every hostile fixture through openPush, driven by the table in
 * fixtures/hostile/README.md (the table is the spec; see that file).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openPush, type CallbackMode } from './envelope';
import { CALLBACK_ERROR_STATUS, CallbackError } from './errors';
import { NOW, TEST_ACCOUNT, TEST_AES_KEY, signedQuery, textMessage } from './fixtures/signed-push';
import { buildXml } from './xml';

const DIR = join(__dirname, 'fixtures', 'hostile');

interface Row {
  file: string;
  mode: CallbackMode;
  query: 'valid' | 'stale' | 'no-signature' | 'bad-signature' | 'bad-msg-signature';
  expected: string;
  what: string;
}

function readTable(): Row[] {
  const lines = readFileSync(join(DIR, 'README.md'), 'utf8').split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| file') && !l.startsWith('|---'));
  return lines.map((line) => {
    const [file, mode, query, expected, what] = line.split('|').slice(1, -1).map((cell) => cell.trim());
    return { file, mode, query, expected, what } as Row;
  });
}

const GENERATED: Record<string, () => Buffer> = {
  oversized: () => {
    const frame = Buffer.byteLength(buildXml(textMessage('')));
    const xml = Buffer.from(buildXml(textMessage(`CANARY${'x'.repeat(64 * 1024 + 1 - frame - 6)}`)));
    expect(xml.length).toBe(64 * 1024 + 1);
    return xml;
  },
  'long-text-value': () => Buffer.from(buildXml(textMessage(`CANARY${'x'.repeat(32 * 1024 + 1 - 6)}`))),
};

function body(file: string): Buffer {
  const generated = /^<generated:(.+)>$/.exec(file);
  if (generated) {
    const make = GENERATED[generated[1] ?? ''];
    if (!make) throw new Error(`no generator for ${file}`);
    return make();
  }
  return readFileSync(join(DIR, file));
}

function query(row: Row, raw: Buffer): Record<string, string> {
  // Read Encrypt with a regex, not the parser under test.
  const encrypt = row.mode === 'plain' ? undefined : /<Encrypt><!\[CDATA\[([^\]]*)\]\]><\/Encrypt>/.exec(raw.toString('utf8'))?.[1];
  switch (row.query) {
    case 'valid': return signedQuery({ encrypt });
    case 'stale': return signedQuery({ encrypt, timestamp: String(NOW - 3600) });
    case 'no-signature': {
      const { signature: _dropped, ...rest } = signedQuery({ encrypt });
      return rest;
    }
    case 'bad-signature': return signedQuery({ encrypt, token: 'someOtherToken' });
    case 'bad-msg-signature': return { ...signedQuery({ encrypt: 'x' }), msg_signature: signedQuery({ encrypt, token: 'someOtherToken' }).msg_signature ?? '' };
  }
}

/** True when `message` repeats any 12-character run of `text`. */
function leaks(message: string, text: string): boolean {
  for (let i = 0; i + 12 <= text.length; i++) if (message.includes(text.slice(i, i + 12))) return true;
  return false;
}

const rows = readTable();

test('the README table lists every fixture file, and every listed file exists', () => {
  const listed = new Set(rows.map((r) => r.file).filter((f) => !f.startsWith('<generated:')));
  const present = readdirSync(DIR).filter((f) => f !== 'README.md');
  expect([...listed].sort()).toEqual(present.sort());
  expect(rows.length).toBeGreaterThanOrEqual(25);
});

test.each(rows.map((r) => [`${r.file} (${r.mode}, ${r.query}) -> ${r.expected}`, r] as const))('%s', (_name, row) => {
  const raw = body(row.file);
  const open = () => openPush({
    mode: row.mode, token: TEST_ACCOUNT.token, aesKey: TEST_AES_KEY, appId: TEST_ACCOUNT.appId,
    query: query(row, raw), body: raw, now: NOW, maxSkewSeconds: 300,
  });
  if (row.expected === 'accepted') {
    expect(open().message).toMatchObject({ ToUserName: TEST_ACCOUNT.originalId, MsgType: 'text' });
    return;
  }
  let error: unknown;
  try {
    open();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(CallbackError);
  const e = error as CallbackError;
  expect(e.code).toBe(row.expected);
  expect(e.status).toBe(CALLBACK_ERROR_STATUS[e.code]);
  expect(e.status).toBeGreaterThanOrEqual(400);
  expect(e.status).toBeLessThan(500);
  expect(e.message).not.toContain('CANARY');
  expect(leaks(e.message, raw.toString('utf8'))).toBe(false);
});
