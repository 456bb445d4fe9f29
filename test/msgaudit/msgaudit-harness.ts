/**
 * Gateways that pull a WeCom chat archive from the Finance SDK stand-in, for
 * the msgaudit tests: one corp (`bank-corp`, a fresh CorpID per test so tests
 * sharing a database never share a cursor or a dedupe key), RSA keys of
 * publickey_ver 1 and 2, the stand-in's library as `msgaudit.sdkPath`. The
 * stand-in's data is loaded by the test (useFinanceStandin) before the
 * gateway starts: its first pull happens at once.
 */
import { readMediaFile } from '../../gateway/msgaudit/media-file';
import { constants, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { In } from 'typeorm';
import { loadConfig } from '../../gateway/config/load-config';
import type { GatewayConfig } from '../../gateway/config/schema';
import { createGateway, type Gateway } from '../../gateway/create-gateway';
import { ARCHIVE_RECORD_ENTITY, MSGAUDIT_CURSOR_ENTITY, OUTBOX_ENTITY, type ArchiveRecordRow, type MsgauditCursorRow, type OutboxRow } from '../../gateway/db/entities';
import type { DatabaseConfig } from '../../gateway/db/data-source';
import { rsaPair, type TestKeyPair } from '../../connectors/wecom/msgaudit/keys/__tests__/test-keys';
import { encryptForStandin } from '../../connectors/wecom/msgaudit/standin/__tests__/standin-cipher';
import { standinRecord, type StandinChatRecord } from '../../connectors/wecom/msgaudit/standin/__tests__/standin-fixture';
import type { MsgauditEvent } from '../../connectors/canonical/msgaudit-event';
import type { PullResult } from '../../gateway/msgaudit/pull-batch';
import { until } from '../until';
import { MsgauditKeyring } from '../../connectors/wecom/msgaudit/keys/keyring';

/** The corp's configuration id (the archive's accountId). */
export const CORP = 'bank-corp';
/** The msgaudit secret the stand-in's Init expects. */
export const SECRET = 'msgaudit-secret-PLANTED-5d2e8a1c';
/** Key pairs by publickey_ver; the gateway holds the private halves of 1 and 2. */
export const KEYS: Record<1 | 2, TestKeyPair> = { 1: rsaPair('msgaudit-v1'), 2: rsaPair('msgaudit-v2') };

/** A fresh CorpID. */
export function newCorpId(): string {
  return `ww${randomBytes(8).toString('hex')}`;
}

/** The configuration of a msgaudit test gateway. */
export function msgauditConfig(input: { database: DatabaseConfig; dataDir: string; sdkPath: string; corpId: string; msgaudit?: Record<string, unknown>; overlay?: Record<string, unknown> }): GatewayConfig {
  return loadConfig({
    env: {},
    overlay: {
      dataDir: input.dataDir,
      server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 3000 },
      database: input.database,
      keys: { type: 'file', path: join(input.dataDir, 'keys.json') },
      archive: { pkiDir: join(input.dataDir, 'pki'), checkpointIntervalMs: 3_600_000 },
      logging: { level: 'silent' },
      // One unwrap worker: the pool path without a thread per core in every test gateway (unwrap-pool.test.ts sizes its own).
      msgaudit: { sdkPath: input.sdkPath, pullIntervalMs: 60_000, backoffBaseMs: 50, backoffMaxMs: 400, leaseTtlMs: 5000, statusIntervalMs: 3_600_000, unwrapWorkers: 1, ...input.msgaudit },
      corps: [{ id: CORP, corpId: input.corpId, msgaudit: { secret: SECRET, privateKeys: { 1: KEYS[1].pkcs1Pem, 2: KEYS[2].pkcs8Pem } } }],
      ...input.overlay,
    },
  });
}

/** A gateway (not listening: pullers run without HTTP) on `config`. */
export function startGateway(config: GatewayConfig, logger?: Logger): Promise<Gateway> {
  return createGateway(config, { housekeeping: false, ...(logger ? { logger } : {}) });
}

/** The keyring the test gateways hold. */
export function testKeyring(): MsgauditKeyring {
  return new MsgauditKeyring({ 1: KEYS[1].pkcs1Pem, 2: KEYS[2].pkcs8Pem });
}

/** The decrypted-message fixtures, one per message type (connectors/wecom/msgaudit/fixtures/messages). */
export function everyMessageType(): { name: string; message: { msgid: string } & Record<string, unknown> }[] {
  const dir = join(__dirname, '..', '..', 'connectors', 'wecom', 'msgaudit', 'fixtures', 'messages');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => ({ name: f.slice(0, -5), message: JSON.parse(readFileSync(join(dir, f), 'utf8')) as { msgid: string } & Record<string, unknown> }));
}

/** A text message of `seq` (msgid `msg-<seq>`), content planted with `marker`. */
export function textMessage(seq: number, marker = 'hello'): { msgid: string } & Record<string, unknown> {
  return { msgid: `msg-${seq}`, action: 'send', from: 'rm.zhang', tolist: ['wmSyntheticCustomer'], roomid: '', msgtime: 1_714_000_000_000 + seq * 1000, msgtype: 'text', text: { content: `${marker} ${seq}` } };
}

/** A record sealed for publickey_ver 1 (or `version`). */
export function sealed(seq: number, message: { msgid: string } & Record<string, unknown>, version: 1 | 2 = 1): StandinChatRecord {
  return standinRecord({ seq, message, publickeyVer: version, publicKey: KEYS[version].publicKey });
}

/** A record whose sealed plaintext is `plaintext` as given (not JSON-encoded): for unparseable messages. */
export function sealedText(seq: number, msgid: string, plaintext: string, version: number, publicKey: KeyObject): StandinChatRecord {
  const encryptKey = randomBytes(24).toString('base64');
  return {
    seq, msgid, publickey_ver: version,
    encrypt_random_key: publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(encryptKey, 'latin1')).toString('base64'),
    encrypt_chat_msg: encryptForStandin(encryptKey, plaintext),
  };
}

/** One archived msgaudit record, decrypted. */
export interface ArchivedMsgaudit {
  recordId: string;
  recordType: string;
  accountId: string;
  subject: string | null;
  occurredAtMs: number;
  seq: string;
  payload: Record<string, unknown>;
  event?: MsgauditEvent;
}

/** Every wecom.msgaudit / wecom.msgaudit.raw record of `corpId`, decrypted through the gateway's ArchiveReader, by seq. */
export async function archived(gateway: Gateway, corpId: string): Promise<ArchivedMsgaudit[]> {
  const rows = await gateway.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY).find({ select: { id: true }, where: { recordType: In(['wecom.msgaudit', 'wecom.msgaudit.raw']) } });
  const out: ArchivedMsgaudit[] = [];
  for (const { id } of rows) {
    const opened = await gateway.deps.reader.open(id);
    const event = opened.payload.event as MsgauditEvent | undefined;
    const payloadCorp = event ? event.corpId : opened.payload.corpId;
    if (payloadCorp !== corpId) continue;
    out.push({
      recordId: id, recordType: opened.recordType, accountId: opened.accountId, subject: opened.subject, occurredAtMs: opened.occurredAtMs,
      seq: event ? event.seq : String(opened.payload.seq), payload: opened.payload, ...(event ? { event } : {}),
    });
  }
  return out.sort((a, b) => Number(BigInt(a.seq) - BigInt(b.seq)));
}

/** One archived media file, decrypted. */
export interface ArchivedMedia {
  recordId: string;
  payload: Record<string, unknown>;
  bytes: Buffer;
}

/** Every wecom.msgaudit.media record of `corpId`, decrypted, by seq then index. */
export async function archivedMedia(gateway: Gateway, corpId: string): Promise<ArchivedMedia[]> {
  const rows = await gateway.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY).find({ select: { id: true }, where: { recordType: 'wecom.msgaudit.media' } });
  const out: ArchivedMedia[] = [];
  for (const { id } of rows) {
    const { payload } = await gateway.deps.reader.open(id);
    if (payload.corpId === corpId) out.push({ recordId: id, payload, bytes: await readMediaFile(gateway.deps.reader, payload) });
  }
  const key = (m: ArchivedMedia) => Number(m.payload.seq) * 1000 + Number(m.payload.index);
  return out.sort((a, b) => key(a) - key(b));
}

/** The media outbox rows of the given message records. */
export function mediaRows(gateway: Gateway, recordIds: string[]): Promise<OutboxRow[]> {
  return gateway.dataSource.getRepository<OutboxRow>(OUTBOX_ENTITY).find({ where: { kind: 'media', recordId: In(recordIds) }, order: { target: 'ASC' } });
}

/** The cursor row of `corpId`, or null. */
export function cursorOf(gateway: Gateway, corpId: string): Promise<MsgauditCursorRow | null> {
  return gateway.dataSource.getRepository<MsgauditCursorRow>(MSGAUDIT_CURSOR_ENTITY).findOneBy({ corpId });
}

/** Wait until the cursor of `corpId` is at `seq`; the row. */
export function cursorAt(gateway: Gateway, corpId: string, seq: string, timeoutMs = 15_000): Promise<MsgauditCursorRow> {
  return until(`the msgaudit cursor at ${seq}`, async () => {
    const row = await cursorOf(gateway, corpId);
    return row?.lastSeq === seq ? row : undefined;
  }, timeoutMs);
}

/** Resolves with the next pull of `bank-corp`'s puller (committed or empty) that `match` accepts; subscribe before causing it. */
export function nextPull(gateway: Gateway, match: (result: PullResult) => boolean = () => true): Promise<PullResult> {
  const puller = gateway.msgaudit.pullers.get(CORP);
  if (!puller) throw new Error('no msgaudit puller for bank-corp');
  return new Promise((resolve) => {
    const off = puller.onPull((result) => {
      if (!match(result)) return;
      off();
      resolve(result);
    });
  });
}
