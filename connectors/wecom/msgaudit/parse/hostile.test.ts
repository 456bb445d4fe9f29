/**
 * Every hostile fixture through the parser it targets, driven by the table in
 * fixtures/hostile/README.md (the table is the spec; see that file).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MsgauditApiError } from './api-error';
import { parseDecryptedMessage } from './decrypted-message';
import { parseChatDataEnvelope, type UnreadableChatRecord } from './envelope';
import { MsgauditParseError } from './errors';
import type { FieldRule } from './field-spec';
import { CHATRECORD_ITEM_FIELDS, MESSAGE_TYPES } from './message-types';
import { CORP_ID, envelope, FIXTURES, record } from './__tests__/fixtures';

const DIR = join(FIXTURES, 'hostile');
const SOURCE = { corpId: CORP_ID, record: { seq: '1', msgid: 'hostile-0001', publickey_ver: 3 } };

interface Row {
  file: string;
  subject: 'message' | 'envelope';
  expected: string;
  what: string;
}

function readTable(): Row[] {
  const lines = readFileSync(join(DIR, 'README.md'), 'utf8').split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| file') && !l.startsWith('|---'));
  return lines.map((line) => {
    const [file, subject, expected, what] = line.split('|').slice(1, -1).map((cell) => cell.trim());
    return { file, subject, expected, what } as Row;
  });
}

const head = (rest: string) => `{"msgid":"hostile-0001","action":"send","from":"rm.zhang","tolist":["rm.li"],"roomid":"","msgtime":1714037058000,${rest}}`;
const CANARY_10MB = `CANARY${'x'.repeat(10 * 1024 * 1024)}`;

/** Mixed contents nested `levels` deep, the innermost a text item. */
function nestedMixed(levels: number): string {
  let content = JSON.stringify({ content: 'CANARY' });
  let type = 'text';
  for (let i = 0; i < levels; i++) {
    content = JSON.stringify({ item: [{ type, content }] });
    type = 'mixed';
  }
  return head(`"msgtype":"mixed","mixed":${content}`);
}

const GENERATED: Record<string, () => string | Buffer> = {
  '10mb-string': () => head(`"msgtype":"text","text":{"content":"${CANARY_10MB}"}`),
  '10mb-bytes': () => Buffer.from(head(`"msgtype":"text","text":{"content":"${CANARY_10MB}"}`)),
  'huge-tolist': () => head(`"msgtype":"text","text":{"content":"CANARY"},"x":[${Array.from({ length: 10_001 }, () => '"wmCANARY"').join(',')}]`),
  'too-many-values': () => head(`"msgtype":"text","text":{"content":"CANARY",${Array.from({ length: 200_001 }, (_, i) => `"k${i}":0`).join(',')}}`),
  'deep-10000': () => head(`"msgtype":"text","text":{"content":"CANARY","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`),
  'deep-embedded': () => nestedMixed(5),
  'too-many-records': () => envelope(Array.from({ length: 1001 }, (_, i) => record(i + 1))),
  '10mb-chat-msg': () => envelope([record(1, { encrypt_chat_msg: CANARY_10MB })]),
};

function input(file: string): string | Buffer {
  const generated = /^<generated:(.+)>$/.exec(file);
  if (generated) {
    const make = GENERATED[generated[1] ?? ''];
    if (!make) throw new Error(`no generator for ${file}`);
    return make();
  }
  return readFileSync(join(DIR, file));
}

/** Wire field names: error messages name them by design (they are structure, not content). */
const WIRE_NAMES = (() => {
  const names = new Set(['errcode', 'errmsg', 'chatdata', 'seq', 'msgid', 'publickey_ver', 'encrypt_random_key', 'encrypt_chat_msg', 'action', 'from', 'tolist', 'roomid', 'msgtime', 'msgtype', 'time', 'user', 'item', 'content', 'type']);
  const add = (rules: readonly FieldRule[]) => rules.forEach((r) => {
    names.add(r.wire);
    if (typeof r.kind === 'object') add(r.kind.items);
  });
  for (const spec of Object.values(MESSAGE_TYPES)) {
    names.add(spec.payload);
    add(spec.fields);
    add(spec.topLevel ?? []);
  }
  add(CHATRECORD_ITEM_FIELDS);
  return [...names].sort((a, b) => b.length - a.length);
})();

/** True when `message`, wire names removed, repeats any 12-character run of `text`. */
function leaks(rawMessage: string, text: string): boolean {
  const message = WIRE_NAMES.reduce((m, name) => m.split(name).join('§'), rawMessage);
  const sample = text.length > 100_000 ? text.slice(0, 100_000) : text;
  for (let i = 0; i + 12 <= sample.length; i++) if (message.includes(sample.slice(i, i + 12))) return true;
  return false;
}

function outcome(row: Row, body: string | Buffer): unknown {
  try {
    return row.subject === 'message' ? parseDecryptedMessage(body, SOURCE) : parseChatDataEnvelope(body);
  } catch (err) {
    return err;
  }
}

const rows = readTable();

test('the README table lists every fixture file, and every listed file exists', () => {
  const listed = new Set(rows.map((r) => r.file).filter((f) => !f.startsWith('<generated:')));
  const present = readdirSync(DIR).filter((f) => f !== 'README.md');
  expect([...listed].sort()).toEqual(present.sort());
  expect(rows.length).toBeGreaterThanOrEqual(70);
});

test.each(rows.map((r) => [`${r.file} (${r.subject}) -> ${r.expected}`, r] as const))('%s', (_name, row) => {
  const body = input(row.file);
  const result = outcome(row, body);
  const text = Buffer.isBuffer(body) ? body.toString('latin1') : body;
  if (row.expected === 'accepted') {
    expect(result).not.toBeInstanceOf(Error);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    return;
  }
  const api = /^api:(-?\d+)$/.exec(row.expected);
  const unreadable = /^unreadable:(.+)$/.exec(row.expected);
  let error: Error;
  if (api) {
    expect(result).toBeInstanceOf(MsgauditApiError);
    expect((result as MsgauditApiError).errcode).toBe(Number(api[1]));
    error = result as Error;
  } else if (unreadable) {
    expect(result).not.toBeInstanceOf(Error);
    const items = (result as ReturnType<typeof parseChatDataEnvelope>).chatdata;
    expect(items).toHaveLength(1);
    expect(items[0]?.kind).toBe('unreadable');
    error = (items[0] as UnreadableChatRecord).error;
    expect(error).toMatchObject({ code: unreadable[1], retryable: false });
  } else {
    expect(result).toBeInstanceOf(MsgauditParseError);
    expect(result).toMatchObject({ code: row.expected, subject: row.subject, retryable: row.subject === 'envelope' });
    error = result as Error;
  }
  expect(error.message).not.toContain('CANARY');
  expect(error.cause).toBeUndefined();
  expect(leaks(error.message, text)).toBe(false);
});
