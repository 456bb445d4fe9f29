/**
 * `cgw archive verify`: reads the database directly (no gateway needed) and
 * the CA certificate, never the keys. Progress goes to stderr; `--json` prints
 * the summary on stdout for pipelines. Exit 0 only when nothing was found.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createDataSource, type DatabaseConfig } from '../../gateway/db/data-source';
import { verifyArchive, type VerifyProgress, type VerifyReport } from '../../gateway/archive/verify/verify-archive';
import { loadCliConfig } from './load';

interface Opts {
  config?: string;
  db?: string;
  pki?: string;
  json?: boolean;
}

/** Exit code: 0 verified, 1 findings, 2 usage or configuration problem. */
export async function archiveVerifyCommand(opts: Opts): Promise<number> {
  let database: DatabaseConfig;
  let pkiDir: string;
  if (opts.db) {
    // SQLite would create a missing file: a typo must not verify (and leave behind) an empty archive.
    if (!existsSync(opts.db)) {
      process.stderr.write(`no archive database at ${opts.db}\n`);
      return 2;
    }
    database = { type: 'sqlite', path: opts.db };
    pkiDir = opts.pki ?? join(dirname(opts.db), 'pki');
  } else {
    const config = loadCliConfig(opts.config);
    if (!config) return 2;
    database = config.database;
    pkiDir = opts.pki ?? config.archive.pkiDir;
  }
  let caPem: string;
  try {
    caPem = readFileSync(join(pkiDir, 'ca.crt'), 'utf8');
  } catch {
    process.stderr.write(`cannot read the CA certificate ${join(pkiDir, 'ca.crt')}; pass --pki DIR\n`);
    return 2;
  }
  const dataSource = await createDataSource(database).initialize();
  try {
    const report = await verifyArchive(dataSource, { trustedCaPem: caPem, onProgress: progressPrinter() });
    process.stderr.write('\n');
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : humanReport(report));
    return report.ok ? 0 : 1;
  } finally {
    await dataSource.destroy();
  }
}

function progressPrinter(): (p: VerifyProgress) => void {
  const tty = process.stderr.isTTY;
  return (p) => {
    const pct = p.recordsTotal > 0 ? Math.floor((p.recordsDone * 100) / p.recordsTotal) : 100;
    const rate = p.elapsedMs > 0 ? Math.round((p.recordsDone * 1000) / p.elapsedMs) : 0;
    const line = `verifying: ${p.recordsDone}/${p.recordsTotal} records (${pct}%), ${rate} records/s`;
    process.stderr.write(tty ? `\r${line}` : `${line}\n`);
  };
}

function humanReport(r: VerifyReport): string {
  const lines = [
    r.ok ? 'archive verified: no alteration, deletion, insertion or reordering found' : 'ARCHIVE VERIFICATION FAILED',
    `  records      ${r.records} in ${r.shards.length} shard(s), ${r.recordsPerSecond} records/s`,
    `  checkpoints  ${r.checkpoints.count}${r.checkpoints.latestAt ? `, latest #${r.checkpoints.latestSeq} at ${new Date(r.checkpoints.latestAt).toISOString()}` : ''}`,
  ];
  for (const f of r.checkpointFindings) lines.push(`  checkpoint ${f.checkpointSeq ?? '?'}: ${f.kind}: ${f.detail}`);
  for (const f of r.chainFindings) lines.push(`  shard ${f.shard} seq ${f.seq}${f.recordId ? ` record ${f.recordId}` : ''}: ${f.kind}: ${f.detail}`);
  return `${lines.join('\n')}\n`;
}
