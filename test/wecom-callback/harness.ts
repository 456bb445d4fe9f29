/**
 * A real gateway with WeCom corps for the callback endpoint tests: its own
 * database (SQLite or PostgreSQL, cloned from the migrated template), key
 * store and PKI in a temp directory, configuration through loadConfig as in
 * production, listening on a free port. Pushes are sealed and signed with
 * @wecom/crypto (an independent implementation), never with the gateway's
 * own code, and sent over raw HTTP so a test controls every byte.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as wecom from '@wecom/crypto';
import type { XmlObject } from '../../connectors/canonical/chat-event';
import { buildXml } from '../../connectors/wechat/callback/xml';
import { FileKeyStore } from '../../gateway/archive/crypto/file-key-store';
import { openStored, type OpenedRecord } from '../../gateway/archive/reader';
import type { StoredRecord } from '../../gateway/archive/types';
import type { WecomCallbackHooks } from '../../gateway/commands/wecom-callback-deps';
import { loadConfig } from '../../gateway/config/load-config';
import type { GatewayConfig } from '../../gateway/config/schema';
import { createGateway, type Gateway } from '../../gateway/create-gateway';
import { ARCHIVE_RECORD_ENTITY, CALLBACK_NONCE_ENTITY, type ArchiveRecordRow } from '../../gateway/db/entities';
import { createLogger } from '../../gateway/observability/logger';
import { openTestDatabase, type DatabaseKind, type TestDatabase } from '../db';
import { freshNonce, nowSeconds, queryString, rawRequest, type RawResponse } from '../e2e/support';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const alnum = (n: number): string => Array.from(randomBytes(n), (b) => ALNUM[b % 62]).join('');

/** A corp as WeCom's admin console has it: the callback Token and EncodingAESKey the gateway is configured with. */
export interface TestCorp {
  id: string;
  corpId: string;
  token: string;
  encodingAESKey: string;
}

/** A fresh corp with random credentials. */
export function testCorp(id: string): TestCorp {
  return { id, corpId: `ww${randomBytes(8).toString('hex')}`, token: alnum(24), encodingAESKey: alnum(43) };
}

export interface WecomHarness {
  gateway: Gateway;
  config: GatewayConfig;
  url: string;
  db: TestDatabase;
  /** The corp with a callback block. */
  corp: TestCorp;
  /** A corp configured without a callback block (its callback URL does not exist). */
  silentCorp: TestCorp;
  /** Every line the gateway logged, as written. */
  logLines: string[];
  close(): Promise<void>;
}

/** Start a gateway with one callback corp and one corp without a callback block. */
export async function startWecomHarness(kind: DatabaseKind, hooks: WecomCallbackHooks = {}): Promise<WecomHarness> {
  const db = await openTestDatabase(kind);
  if (db.dataSource.isInitialized) await db.dataSource.destroy(); // the gateway opens its own
  const dataDir = mkdtempSync(join(tmpdir(), 'cgw-wecom-cb-'));
  const corp = testCorp('bank-corp');
  const silentCorp = testCorp('quiet-corp');
  const config = loadConfig({
    env: {},
    overlay: {
      dataDir,
      server: { host: '127.0.0.1', port: 0, shutdownGraceMs: 3000 },
      database: db.config,
      keys: { type: 'file', path: join(dataDir, 'keys.json') },
      archive: { pkiDir: join(dataDir, 'pki'), checkpointIntervalMs: 3_600_000 },
      corps: [
        { id: corp.id, corpId: corp.corpId, callback: { token: corp.token, encodingAESKey: corp.encodingAESKey } },
        { id: silentCorp.id, corpId: silentCorp.corpId },
      ],
    },
  });
  const logLines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void logLines.push(line) });
  const gateway = await createGateway(config, { logger, wecomCallbackHooks: hooks });
  const { port } = await gateway.listen(0);
  return {
    gateway, config, url: `http://127.0.0.1:${port}`, db, corp, silentCorp, logLines,
    async close() {
      await gateway.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A push as WeCom sends it: query and body. */
export interface SealedPush {
  query: Record<string, string>;
  body: string;
  encrypt: string;
  plaintext: string;
}

/**
 * Seal `message` for `corp` with @wecom/crypto: encrypted for `receiveId` (the CorpID unless a test wants another),
 * signed with the corp's Token, in WeCom's envelope (ToUserName, Encrypt, AgentID).
 */
export function sealPush(corp: TestCorp, message: XmlObject | string, opts: { receiveId?: string; timestamp?: string; nonce?: string; token?: string } = {}): SealedPush {
  const plaintext = typeof message === 'string' ? message : buildXml(message);
  const encrypt = wecom.encrypt(corp.encodingAESKey, plaintext, opts.receiveId ?? corp.corpId);
  const timestamp = opts.timestamp ?? String(nowSeconds());
  const nonce = opts.nonce ?? freshNonce();
  const query = { msg_signature: wecom.getSignature(opts.token ?? corp.token, timestamp, nonce, encrypt), timestamp, nonce };
  const body = `<xml><ToUserName><![CDATA[${corp.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[2000003]]></AgentID></xml>`;
  return { query, body, encrypt, plaintext };
}

/** POST a push to /callback/wecom/<corpConfigId>. */
export function postPush(h: Pick<WecomHarness, 'url'>, corpConfigId: string, push: { query: Record<string, string> | string; body: string | Buffer }, extra: { chunked?: boolean; method?: string } = {}): Promise<RawResponse> {
  return rawRequest(h.url, {
    method: extra.method ?? 'POST',
    path: `/callback/wecom/${corpConfigId}`,
    query: typeof push.query === 'string' ? push.query : queryString(push.query),
    body: push.body,
    ...(extra.chunked ? { chunked: true } : {}),
  });
}

/** Rows a push writes: archive records and nonce rows. */
export async function rowCounts(h: WecomHarness): Promise<{ archiveRecord: number; callbackNonce: number }> {
  const ds = h.gateway.dataSource;
  const [archiveRecord, callbackNonce] = await Promise.all([ds.getRepository(ARCHIVE_RECORD_ENTITY).count(), ds.getRepository(CALLBACK_NONCE_ENTITY).count()]);
  return { archiveRecord, callbackNonce };
}

/** Every `wecom.callback` record, decrypted with the key store file. */
export async function archivedCallbacks(h: WecomHarness): Promise<(OpenedRecord & { row: ArchiveRecordRow })[]> {
  const keyStore = FileKeyStore.open(h.config.keys.path);
  const rows = await h.gateway.dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY).find({ where: { recordType: 'wecom.callback' } });
  return rows.map((row) => ({ ...openStored(keyStore, row as StoredRecord), row }));
}
