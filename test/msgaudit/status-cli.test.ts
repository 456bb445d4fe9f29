/** `cgw msgaudit status`, run as the real CLI process against an SQLite database with cursor rows. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../../admin-cli/__tests__/run-cli';
import { createDataSource, runMigrations } from '../../gateway/db/data-source';
import { ARCHIVE_RECORD_ENTITY, MSGAUDIT_CURSOR_ENTITY, OUTBOX_ENTITY, type ArchiveRecordRow, type MsgauditCursorRow, type OutboxRow } from '../../gateway/db/entities';
import type { CorpStatus } from '../../gateway/msgaudit/status';
import { KEYS } from './msgaudit-harness';

const dir = mkdtempSync(join(tmpdir(), 'cgw-msgaudit-status-'));
const dbPath = join(dir, 'gateway.db');
const HOUR = 3_600_000;
const now = Date.now();
const corp = (id: string, corpId: string) => ({ id, corpId, msgaudit: { secret: 'msgaudit-secret-0123456789', privateKeys: { 1: KEYS[1].pkcs1Pem } } });

function cursor(corpId: string, accountId: string, fields: Partial<MsgauditCursorRow>): MsgauditCursorRow {
  return {
    corpId, accountId, lastSeq: '0', version: 0, lastPullAt: null, caughtUpAt: null, lastMessageAt: null, undecryptableCount: 0, skippedSeqs: 0,
    lastErrorCode: null, lastError: null, lastErrorAt: null, stoppedAt: null, createdAt: now - 10 * 24 * HOUR, updatedAt: now, ...fields,
  };
}

function writeConfig(name: string, corps: unknown[]): string {
  const file = join(dir, name);
  writeFileSync(file, stringify({ dataDir: dir, database: { type: 'sqlite', path: dbPath }, msgaudit: { sdkPath: '/opt/wework/libWeWorkFinanceSdk_C.so' }, corps }));
  return file;
}

beforeAll(async () => {
  const dataSource = await createDataSource({ type: 'sqlite', path: dbPath }).initialize();
  try {
    await runMigrations(dataSource);
    await dataSource.getRepository(MSGAUDIT_CURSOR_ENTITY).insert([
      // Caught up five minutes ago, with 18446744073709551000 as seq (beyond 2^63) and two raw records.
      cursor('ww00000000000000a1', 'retail-corp', { lastSeq: '18446744073709551000', version: 40, lastPullAt: now - 5 * 60_000, caughtUpAt: now - 5 * 60_000, lastMessageAt: now - HOUR, undecryptableCount: 2, skippedSeqs: 3 }),
      // Stopped three days ago on a wrong secret: 2 days left, inside the 96-hour alert.
      cursor('ww00000000000000b2', 'wealth-corp', { lastSeq: '77', version: 3, lastPullAt: now - 72 * HOUR, caughtUpAt: now - 72 * HOUR, lastErrorCode: 'tencent.40001', lastError: 'GetChatData errcode 40001: invalid credential', lastErrorAt: now - 72 * HOUR, stoppedAt: now - 72 * HOUR }),
    ]);
  } finally {
    await dataSource.destroy();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cgw msgaudit status', () => {
  it('prints per corp the last seq, last pull, lag, undecryptable count and why a puller stopped, exiting 1 when a corp needs attention', async () => {
    const config = writeConfig('both.yaml', [corp('retail-corp', 'ww00000000000000a1'), corp('wealth-corp', 'ww00000000000000b2')]);
    const result = await runCli(['msgaudit', 'status', '--config', config]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('retail-corp (ww00000000000000a1): ok');
    expect(result.stdout).toMatch(/last seq {8}18446744073709551000\n/);
    expect(result.stdout).toMatch(/lag {13}0h [45]m\n/);
    expect(result.stdout).toMatch(/undecryptable {3}2\n/);
    expect(result.stdout).toContain('wealth-corp (ww00000000000000b2): STOPPED');
    expect(result.stdout).toContain('last error      tencent.40001 at ');
    expect(result.stdout).toContain('media: 0 download(s) pending, 0 failed\n');
  });

  it('prints JSON with --json', async () => {
    const config = writeConfig('both-json.yaml', [corp('retail-corp', 'ww00000000000000a1'), corp('wealth-corp', 'ww00000000000000b2')]);
    const result = await runCli(['msgaudit', 'status', '--config', config, '--json']);
    const { corps, media } = JSON.parse(result.stdout) as { corps: CorpStatus[]; media: { pending: number; failed: number } };
    expect(media).toEqual({ pending: 0, failed: 0 });
    expect(corps.map((c) => [c.corp, c.lastSeq, c.undecryptable, c.stopped, c.atRisk, c.needsAttention])).toEqual([
      ['retail-corp', '18446744073709551000', 2, false, false, false],
      ['wealth-corp', '77', 0, true, true, true],
    ]);
    expect(corps[0]!.lagSeconds).toBeGreaterThanOrEqual(300);
    expect(corps[0]!.lagSeconds).toBeLessThan(400);
    expect(corps[1]!.retentionLeftSeconds! / 3600).toBeCloseTo(48, 0);
    expect(corps[1]!.lastError).toMatchObject({ code: 'tencent.40001', reason: 'GetChatData errcode 40001: invalid credential' });
  });

  it('exits 0 when every pulled corp is fine, and names a configured corp that was never pulled', async () => {
    expect((await runCli(['msgaudit', 'status', '--config', writeConfig('fine.yaml', [corp('retail-corp', 'ww00000000000000a1')])])).code).toBe(0);
    const never = await runCli(['msgaudit', 'status', '--config', writeConfig('never.yaml', [corp('new-corp', 'ww00000000000000c3')])]);
    expect(never.code).toBe(1);
    expect(never.stdout).toContain('new-corp (ww00000000000000c3): NEVER PULLED');
    // Cursor rows of corps no longer configured are listed, but do not fail the check.
    expect(never.stdout).toContain('(not configured) (ww00000000000000a1): ok');
  });

  it('counts the media backlog and exits 1 while a media download has failed', async () => {
    const otherDb = join(dir, 'media.db');
    const dataSource = await createDataSource({ type: 'sqlite', path: otherDb }).initialize();
    try {
      await runMigrations(dataSource);
      const bytes = Buffer.alloc(16);
      await dataSource.getRepository<ArchiveRecordRow>(ARCHIVE_RECORD_ENTITY).insert({
        id: 'r1', shard: 0, shardSeq: 1, recordType: 'wecom.msgaudit', accountBidx: 'a', subjectBidx: null, timeBucketBidx: 't', dedupeBidx: 'd',
        keyId: 'k', wrappedKey: bytes, iv: bytes, ciphertext: bytes, prevHash: 'p', recordHash: 'h',
      });
      const row = (id: string, target: string, status: 'pending' | 'failed') => ({ id, recordId: 'r1', kind: 'media' as const, target, status, attempts: 1, nextAttemptAt: now, lastError: null, createdAt: now, updatedAt: now, doneAt: null });
      await dataSource.getRepository<OutboxRow>(OUTBOX_ENTITY).insert([row('o1', '0', 'pending'), row('o2', '1', 'pending'), row('o3', '2', 'failed')]);
    } finally {
      await dataSource.destroy();
    }
    const file = join(dir, 'media.yaml');
    writeFileSync(file, stringify({ dataDir: dir, database: { type: 'sqlite', path: otherDb }, msgaudit: { sdkPath: '/opt/wework/libWeWorkFinanceSdk_C.so' }, corps: [] }));
    const result = await runCli(['msgaudit', 'status', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('media: 2 download(s) pending, 1 failed');
  });

  it('exits 2 with every problem on an invalid configuration', async () => {
    const result = await runCli(['msgaudit', 'status', '--config', writeConfig('bad.yaml', [{ ...corp('retail-corp', 'ww00000000000000a1'), msgaudit: { secret: 'x', privateKeys: {} } }])]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('corps.0.msgaudit.secret');
    expect(result.stderr).toContain('corps.0.msgaudit.privateKeys');
  });
});
