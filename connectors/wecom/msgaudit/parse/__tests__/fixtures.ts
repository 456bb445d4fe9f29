/** Fixture access for the msgaudit parse tests (files under ../../fixtures). */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageSource } from '../decrypted-message';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures');
export const CORP_ID = 'wwSyntheticCorp0001';

/** The names (without .json) of every decrypted-message fixture. */
export function messageNames(): string[] {
  return readdirSync(join(FIXTURES, 'messages')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}

/** The text of messages/<name>.json. */
export function messageText(name: string): string {
  return readFileSync(join(FIXTURES, 'messages', `${name}.json`), 'utf8').trimEnd();
}

/** The text of envelopes/<name>.json. */
export function envelopeText(name: string): string {
  return readFileSync(join(FIXTURES, 'envelopes', `${name}.json`), 'utf8').trimEnd();
}

/** The GetChatData record a message fixture came with (its msgid read with a regex, not the parser under test). */
export function sourceFor(text: string, seq = '196'): MessageSource {
  const msgid = /"msgid":"([^"]*)"/.exec(text)?.[1] ?? 'no-msgid';
  return { corpId: CORP_ID, record: { seq, msgid, publickey_ver: 3 } };
}

/** A GetChatData answer around `records` (raw JSON texts of records, so seqs can exceed 2^53). */
export function envelope(records: string[], head = '"errcode":0,"errmsg":"ok"'): string {
  return `{${head},"chatdata":[${records.join(',')}]}`;
}

/** One record's JSON text. */
export function record(seq: number | string, fields: Record<string, unknown> = {}): string {
  const body = { msgid: `m${seq}`, publickey_ver: 3, encrypt_random_key: 'cmFuZG9t', encrypt_chat_msg: 'Y2hhdA==', ...fields };
  return `{"seq":${seq},${JSON.stringify(body).slice(1)}`;
}
