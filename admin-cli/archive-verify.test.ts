/** `cgw archive verify --db FILE`, run as the real CLI process against an archive built in-process on SQLite. */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureDevPki } from '../certs/pki';
import { buildArchive } from '../gateway/archive/verify/__tests__/archive-fixture';
import { recordAt, updateRecord } from '../gateway/archive/verify/__tests__/tamper';
import type { VerifyReport } from '../gateway/archive/verify/verify-archive';
import { createDataSource, runMigrations } from '../gateway/db/data-source';
import { runCli } from './__tests__/run-cli';

const dir = mkdtempSync(path.join(tmpdir(), 'cgw-cli-verify-'));
const db = path.join(dir, 'archive.db');
const pki = path.join(dir, 'pki'); // where the CLI looks by default: pki/ beside --db
let records = 0;

beforeAll(async () => {
  const { signer } = ensureDevPki(pki);
  const dataSource = await createDataSource({ type: 'sqlite', path: db }).initialize();
  try {
    await runMigrations(dataSource);
    records = (await buildArchive(dataSource, signer, { phases: [80, 80], tail: 20 })).records;
  } finally {
    await dataSource.destroy();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the archive to tamper with, leaving the original intact (verify it with --pki pki). */
async function tamperedCopy(name: string, tamper: Parameters<typeof withDatabase>[1]): Promise<string> {
  const copyDir = path.join(dir, name);
  mkdirSync(copyDir);
  for (const suffix of ['', '-wal']) if (existsSync(db + suffix)) copyFileSync(db + suffix, path.join(copyDir, 'archive.db' + suffix));
  await withDatabase(path.join(copyDir, 'archive.db'), tamper);
  return path.join(copyDir, 'archive.db');
}

async function withDatabase(file: string, fn: (ds: Awaited<ReturnType<ReturnType<typeof createDataSource>['initialize']>>) => Promise<void>): Promise<void> {
  const dataSource = await createDataSource({ type: 'sqlite', path: file }).initialize();
  try {
    await fn(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

describe('cgw archive verify', () => {
  it('verifies an untouched archive with exit 0 and a human summary, progress on stderr only', async () => {
    const result = await runCli(['archive', 'verify', '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^archive verified: no alteration, deletion, insertion or reordering found\n/);
    expect(result.stdout).toContain(`records      ${records} in 4 shard(s)`);
    expect(result.stdout).toMatch(/checkpoints {2}2, latest #2 at \d{4}-/);
    expect(result.stdout).not.toContain('verifying');
    expect(result.stderr).toContain(`verifying: ${records}/${records} records (100%)`);
  });

  it('prints only the JSON report on stdout with --json: ok true and the counts', async () => {
    const result = await runCli(['archive', 'verify', '--db', db, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as VerifyReport; // throws if anything else reached stdout
    expect(report).toMatchObject({ ok: true, records, checkpoints: { count: 2, latestSeq: 2 }, chainFindings: [], checkpointFindings: [] });
    expect(report.shards).toHaveLength(4);
    expect(result.stderr).toContain(`verifying: ${records}/${records} records`);
  });

  it('exits 1 and prints the finding when a record was altered, in human and JSON output', async () => {
    let victim = '';
    const file = await tamperedCopy('altered', async (ds) => {
      const row = await recordAt(ds, 2, 3);
      victim = row.id;
      await updateRecord(ds, row.id, { recordType: row.recordType === 'oa.reply' ? 'oa.inbound' : 'oa.reply' });
    });
    const human = await runCli(['archive', 'verify', '--db', file, '--pki', pki]);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/^ARCHIVE VERIFICATION FAILED\n/);
    expect(human.stdout).toContain(`shard 2 seq 3 record ${victim}: hash-mismatch: stored hash`);
    const json = await runCli(['archive', 'verify', '--db', file, '--pki', pki, '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as VerifyReport;
    expect(report.ok).toBe(false);
    expect(report.chainFindings).toEqual([expect.objectContaining({ kind: 'hash-mismatch', shard: 2, seq: 3, recordId: victim })]);
  });

  it('exits 2 naming the CA certificate path when the CA is missing', async () => {
    const empty = path.join(dir, 'no-pki');
    const result = await runCli(['archive', 'verify', '--db', db, '--pki', empty, '--json']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(path.join(empty, 'ca.crt'));
  });

  it('exits 2 naming the file, and creates nothing, when the --db file does not exist', async () => {
    const missing = path.join(dir, 'typo.db');
    const result = await runCli(['archive', 'verify', '--db', missing]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(missing);
    expect(existsSync(missing)).toBe(false);
  });
});
