/**
 * Chat-archive (msgaudit) ingestion, end to end on PostgreSQL: a gateway
 * pulls a backlog of `messages` records from the Finance SDK stand-in
 * (GetChatData 1,000 at a time → RSA unwrap by publickey_ver → DecryptData →
 * parse → archive rows + cursor in one transaction), timed from the wake-up
 * to the commit of the last batch, once per unwrap-pool size. Beside it, in
 * the same run: the raw RSA-unwrap rate on one thread and on the pool, and
 * media MB/s (GetMediaData 512 KB chunks → size/md5 checks → the archive's
 * envelope encryption → committed). Target: ≥ 2,500 messages/s on 2 cores
 * (10M messages, a 5-day backlog, caught up in under 90 minutes).
 *
 * Machine load is reported with each phase (other work on the machine
 * skews the figures): this process's CPU, PostgreSQL's, and the whole
 * machine's busy share over the phase.
 *
 *   tsx bench/run.ts --only msgaudit [--msgaudit-messages 50000] [--msgaudit-workers 0,default] [--msgaudit-media-mb 64]
 *   node --cpu-prof --cpu-prof-dir prof --import tsx bench/msgaudit.bench.ts [same options]   (a CPU profile of the main thread)
 */
import { createHash, createPublicKey, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureUnwrapRate } from '../connectors/wecom/msgaudit/keys/__tests__/unwrap-rate.bench';
import { freshRandomKey, rsaPair, sealRandomKey } from '../connectors/wecom/msgaudit/keys/__tests__/test-keys';
import { buildStandin } from '../connectors/wecom/msgaudit/standin/__tests__/build-standin';
import { openStandinControl, type StandinControl } from '../connectors/wecom/msgaudit/standin/__tests__/standin-control';
import { standinRecord } from '../connectors/wecom/msgaudit/standin/__tests__/standin-fixture';
import { loadConfig } from '../gateway/config/load-config';
import type { GatewayConfig } from '../gateway/config/schema';
import { createGateway, type Gateway } from '../gateway/create-gateway';
import type { DatabaseConfig } from '../gateway/db/data-source';
import { unwrapWorkerCount } from '../gateway/msgaudit/config';
import type { PullResult } from '../gateway/msgaudit/pull-batch';
import { UnwrapPool } from '../gateway/msgaudit/unwrap-pool';
import { freshDatabase } from './fresh-database';
import { BENCH_CORP_ID, BENCH_SECRET, msgauditBacklog } from './msgaudit-fixture';

/** The target on 2 cores. */
export const TARGET_MESSAGES_PER_SECOND = 2500;
const CORP = 'bench-corp';
const MEDIA_CORP_ID = 'ww0000000000bec0de';

export interface MsgauditBenchOptions {
  /** Backlog size (default 50,000). */
  messages: number;
  /** Unwrap pool sizes to ingest with; 'default' = what the gateway picks (unwrapWorkerCount). */
  unwrapWorkers: (number | 'default')[];
  /** Media downloaded in the media phase, MB (0 skips it). */
  mediaMb: number;
  /** Size of each media file, MB. */
  mediaFileMb: number;
  /** RSA operations timed for each raw rate. */
  unwrapOps: number;
  log?: (line: string) => void;
}

/** How busy the machine was over a phase, in % of one core (so up to cores × 100). */
export interface MachineLoad {
  /** This process, every thread (event loop, unwrap workers, koffi's, libuv's). */
  benchProcessCpuPct: number;
  /** Every PostgreSQL process (the benchmark's backends and anyone else's). */
  postgresCpuPct: number;
  /** Everything else: other tests and benchmarks on the machine. */
  otherCpuPct: number;
  /** The whole machine busy, % of all cores. */
  machineBusyPct: number;
  /** CPU the hypervisor gave to other guests while this one wanted it, % of all cores (part of machineBusyPct). */
  stealPct: number;
  loadAvg1: number;
}

export interface UnwrapRateRow {
  mode: string;
  threads: number;
  ops: number;
  opsPerSecond: number;
  microsPerOp: number;
  load: MachineLoad;
}

export interface IngestionRow {
  unwrapWorkers: number;
  messages: number;
  batches: number;
  seconds: number;
  /** End to end: wake-up to the last batch committed. */
  messagesPerSecond: number;
  /** Hours to catch up 10M messages at this rate. */
  hoursFor10M: number;
  meetsTarget: boolean;
  /**
   * CPU spent per message, µs, by thread: the event loop (DecryptData calls, parse, archive sealing), the
   * unwrap workers (RSA), the rest of this process (GC helpers, koffi/libuv threads) and PostgreSQL.
   * Comparable across runs on a busy machine, unlike msg/s.
   */
  cpuMicrosPerMessage: { eventLoop: number; unwrapWorkers: number; otherThreads: number; postgres: number };
  /**
   * What these per-message CPU costs allow on this machine with nothing else running: the least of one
   * core for the event loop, min(workers, cores) for RSA (the event loop's share when 0), and all cores
   * for everything together. An estimate for a shared machine; messagesPerSecond is what was measured.
   */
  idleMachineEstimate: number;
  archived: number;
  raw: number;
  /** Compliance alerts the batch opened in its transactions (supervision findings, a disagree): each is a row of its own. */
  alertsOpened: number;
  load: MachineLoad;
}

export interface MediaRow {
  files: number;
  fileMb: number;
  totalMb: number;
  seconds: number;
  mbPerSecond: number;
  load: MachineLoad;
}

export interface MsgauditBenchResult {
  cores: number;
  cpuModel: string;
  messages: number;
  fixtureGeneratedSeconds: number;
  targetMessagesPerSecond: number;
  unwrap: UnwrapRateRow[];
  ingestion: IngestionRow[];
  media: MediaRow | null;
}

/** Defaults of the msgaudit suite, overridden from argv (bench/run.ts). */
export function msgauditOptionsFromArgv(argv: readonly string[] = process.argv): MsgauditBenchOptions {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i > 0 ? argv[i + 1] : undefined;
  };
  return {
    messages: Number(arg('msgaudit-messages') ?? 50_000),
    unwrapWorkers: (arg('msgaudit-workers') ?? '0,default').split(',').map((w) => (w === 'default' ? 'default' : Number(w))),
    mediaMb: Number(arg('msgaudit-media-mb') ?? 64),
    mediaFileMb: Number(arg('msgaudit-media-file-mb') ?? 4),
    unwrapOps: Number(arg('msgaudit-unwrap-ops') ?? 4000),
  };
}

/** Run every phase; the stand-in is built (gcc) and its allocations checked back to zero after each gateway. */
export async function benchMsgaudit(opts: MsgauditBenchOptions): Promise<MsgauditBenchResult> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const backlog = msgauditBacklog(opts.messages, log);
  const standin = openStandinControl(buildStandin());
  const result: MsgauditBenchResult = {
    cores: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', messages: opts.messages, fixtureGeneratedSeconds: backlog.generateSeconds,
    targetMessagesPerSecond: TARGET_MESSAGES_PER_SECOND, unwrap: [], ingestion: [], media: null,
  };
  result.unwrap = await benchUnwrapRates(opts.unwrapOps);
  for (const row of result.unwrap) log(`msgaudit unwrap ${row.mode}: ${row.opsPerSecond} op/s`);
  for (const workers of opts.unwrapWorkers) {
    const size = workers === 'default' ? unwrapWorkerCount({}) : workers;
    const row = await benchIngestion(standin, backlog, size, log);
    log(`msgaudit ingestion, ${size} unwrap workers: ${row.messagesPerSecond} msg/s`);
    result.ingestion.push(row);
  }
  if (opts.mediaMb > 0) {
    result.media = await benchMedia(standin, backlog.privateKeys, opts.mediaMb, opts.mediaFileMb, log);
    log(`msgaudit media: ${result.media.mbPerSecond} MB/s`);
  }
  standin.unload();
  return result;
}

/** RSA-2048 unwraps per second: MsgauditKeyring on this thread, then UnwrapPool with one worker and with the gateway's default (one per core). */
async function benchUnwrapRates(ops: number): Promise<UnwrapRateRow[]> {
  const rows: UnwrapRateRow[] = [];
  let load = startLoad();
  const single = measureUnwrapRate(ops);
  rows.push({ mode: 'keyring, this thread', threads: 1, ops, opsPerSecond: Math.round(single.opsPerSecond), microsPerOp: round1(single.microsPerOp), load: load() });
  const pair = rsaPair('bench');
  const sealed = Array.from({ length: 256 }, () => ({ publickeyVer: 1, encryptRandomKey: sealRandomKey(pair.publicKey, freshRandomKey()) }));
  const chunk = 50;
  for (const size of [...new Set([1, unwrapWorkerCount({})])]) {
    const pool = new UnwrapPool({ keys: { bench: { 1: pair.pkcs1Pem } }, size });
    try {
      pool.start();
      // Warm-up: every worker loaded its key and answered once.
      await Promise.all(Array.from({ length: size * 2 }, () => pool.unwrap('bench', sealed.slice(0, chunk))));
      const chunks = Math.ceil(ops / chunk);
      load = startLoad();
      const started = process.hrtime.bigint();
      await Promise.all(Array.from({ length: chunks }, (_, i) => pool.unwrap('bench', sealed.slice((i * chunk) % 200, ((i * chunk) % 200) + chunk))));
      const seconds = elapsed(started);
      rows.push({ mode: `UnwrapPool, ${size} worker${size > 1 ? 's' : ''}`, threads: size, ops: chunks * chunk, opsPerSecond: Math.round((chunks * chunk) / seconds), microsPerOp: round1((seconds * 1e6) / (chunks * chunk)), load: load() });
    } finally {
      await pool.close();
    }
  }
  return rows;
}

/** One gateway on a fresh PostgreSQL database pulls the whole backlog; wake-up to last commit. */
async function benchIngestion(standin: StandinControl, backlog: ReturnType<typeof msgauditBacklog>, unwrapWorkers: number, log: (line: string) => void): Promise<IngestionRow> {
  const dir = mkdtempSync(join(tmpdir(), 'cgw-bench-msgaudit-'));
  const db = await freshDatabase('postgres', dir);
  // Empty at first: the gateway's opening pull finds nothing, and the timed run starts at the wake-up.
  standin.load({ corps: { [BENCH_CORP_ID]: { secret: BENCH_SECRET, chatdata: [] } } });
  let gateway: Gateway | undefined;
  try {
    gateway = await createGateway(benchConfig(db.config, dir, BENCH_CORP_ID, backlog.privateKeys, unwrapWorkers), { housekeeping: false });
    await firstPull(gateway, BENCH_CORP_ID);
    standin.loadFile(backlog.dataPath);
    const puller = gateway.msgaudit.pullers.get(CORP)!;
    const pulls: PullResult[] = [];
    const done = new Promise<void>((resolve) => puller.onPull((r) => {
      if (r.records > 0) pulls.push(r);
      if (r.toSeq === backlog.lastSeq) resolve();
    }));
    const load = startLoad();
    const threadsBefore = threadCpuMs();
    const started = process.hrtime.bigint();
    gateway.msgaudit.wakeUp(CORP);
    await withTimeout(done, Math.max(120_000, backlog.messages * 5), `the backlog of ${backlog.messages} ingested`);
    const seconds = elapsed(started);
    const machine = load();
    const threads = threadCpuMs(threadsBefore);
    const archived = pulls.reduce((n, r) => n + r.archived, 0);
    const raw = pulls.reduce((n, r) => n + r.raw.length, 0);
    const rows = await gateway.dataSource.query("SELECT count(*)::int AS n FROM archive_record WHERE record_type IN ('wecom.msgaudit', 'wecom.msgaudit.raw')") as { n: number }[];
    const alerts = await gateway.dataSource.query('SELECT count(*)::int AS n FROM compliance_alert') as { n: number }[];
    if (archived !== backlog.messages || raw !== 0 || rows[0]?.n !== backlog.messages) {
      throw new Error(`ingestion miscounted: ${archived} archived, ${raw} raw, ${rows[0]?.n} rows for ${backlog.messages} messages`);
    }
    const messagesPerSecond = Math.round(backlog.messages / seconds);
    log(`msgaudit ingestion: ${pulls.length} batches in ${seconds.toFixed(1)} s`);
    return {
      unwrapWorkers, messages: backlog.messages, batches: pulls.length, seconds: round1(seconds), messagesPerSecond,
      hoursFor10M: round1(10_000_000 / messagesPerSecond / 3600), meetsTarget: messagesPerSecond >= TARGET_MESSAGES_PER_SECOND,
      ...perMessage(threads, (machine.postgresCpuPct * 10 * seconds), backlog.messages, unwrapWorkers),
      archived, raw, alertsOpened: alerts[0]?.n ?? 0, load: machine,
    };
  } finally {
    await gateway?.close();
    assertNoLeaks(standin);
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A corp whose backlog is `files` file messages of `fileMb` each: wake-up until every file is archived. */
async function benchMedia(standin: StandinControl, privateKeys: Record<number, string>, totalMb: number, fileMb: number, log: (line: string) => void): Promise<MediaRow> {
  const files = Math.max(1, Math.round(totalMb / fileMb));
  const bytes = Math.round(fileMb * 1024 * 1024);
  const publicKey = createPublicKey(privateKeys[1]!);
  const media: Record<string, Buffer> = {};
  const chatdata = Array.from({ length: files }, (_, i) => {
    const content = randomBytes(bytes);
    const sdkfileid = `bench-media-${i}`;
    media[sdkfileid] = content;
    const message = {
      msgid: `bench-file-${i}`, action: 'send', from: 'rm.1', tolist: ['wmBenchCustomerA'], roomid: '', msgtime: 1_714_000_000_000 + i, msgtype: 'file',
      file: { md5sum: createHash('md5').update(content).digest('hex'), filename: `statement-${i}.pdf`, fileext: 'pdf', filesize: content.length, sdkfileid },
    };
    return standinRecord({ seq: i + 1, message, publickeyVer: 1, publicKey });
  });
  const dir = mkdtempSync(join(tmpdir(), 'cgw-bench-msgaudit-media-'));
  const db = await freshDatabase('postgres', dir);
  standin.load({ corps: { [MEDIA_CORP_ID]: { secret: BENCH_SECRET, chatdata: [] } } });
  let gateway: Gateway | undefined;
  try {
    gateway = await createGateway(benchConfig(db.config, dir, MEDIA_CORP_ID, privateKeys, undefined), { housekeeping: false });
    await firstPull(gateway, MEDIA_CORP_ID);
    standin.load({ mediaChunkBytes: 512 * 1024, corps: { [MEDIA_CORP_ID]: { secret: BENCH_SECRET, chatdata, media } } });
    const load = startLoad();
    const started = process.hrtime.bigint();
    gateway.msgaudit.wakeUp(CORP);
    const ds = gateway.dataSource;
    await withTimeout((async () => {
      for (;;) {
        const rows = await ds.query("SELECT status, count(*)::int AS n FROM outbox WHERE kind = 'media' GROUP BY status") as { status: string; n: number }[];
        const failed = rows.find((r) => r.status === 'failed');
        if (failed) throw new Error(`${failed.n} media downloads failed`);
        if (rows.find((r) => r.status === 'done')?.n === files) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })(), 300_000, `${files} media files archived`);
    const seconds = elapsed(started);
    const machine = load();
    const totalBytes = files * bytes;
    log(`msgaudit media: ${files} files of ${fileMb} MB in ${seconds.toFixed(1)} s`);
    return { files, fileMb, totalMb: round1(totalBytes / 1024 / 1024), seconds: round1(seconds), mbPerSecond: round1(totalBytes / 1024 / 1024 / seconds), load: machine };
  } finally {
    await gateway?.close();
    assertNoLeaks(standin);
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchConfig(database: DatabaseConfig, dir: string, corpId: string, privateKeys: Record<number, string>, unwrapWorkers: number | undefined): GatewayConfig {
  return loadConfig({
    env: {},
    overlay: {
      dataDir: dir,
      server: { host: '127.0.0.1', port: 0 },
      database,
      keys: { type: 'file', path: join(dir, 'keys.json') },
      archive: { pkiDir: join(dir, 'pki'), checkpointIntervalMs: 3_600_000 },
      // The backlog's disagree messages open compliance alerts (warn): expected, not worth printing.
      logging: { level: 'error' },
      msgaudit: { sdkPath: buildStandin(), pullIntervalMs: 3_600_000, statusIntervalMs: 3_600_000, ...(unwrapWorkers !== undefined ? { unwrapWorkers } : {}) },
      corps: [{ id: CORP, corpId, msgaudit: { secret: BENCH_SECRET, privateKeys } }],
    },
  });
}

/** Resolves once the gateway's opening pull (of an empty archive) is recorded on the cursor row. */
async function firstPull(gateway: Gateway, corpId: string): Promise<void> {
  await withTimeout((async () => {
    while (!(await gateway.msgaudit.cursors.read(corpId))?.lastPullAt) await new Promise((resolve) => setTimeout(resolve, 20));
  })(), 30_000, 'the opening pull');
}

function assertNoLeaks(standin: StandinControl): void {
  const live = { allocations: standin.liveAllocations(), sdks: standin.liveSdks() };
  if (live.allocations !== 0 || live.sdks !== 0) throw new Error(`the gateway leaked Finance SDK memory: ${JSON.stringify(live)}`);
}

/** Starts measuring machine load; the returned function reads it. */
function startLoad(): () => MachineLoad {
  const before = { self: process.cpuUsage(), pg: postgresCpuMs(), machine: machineTicks(), at: process.hrtime.bigint() };
  return () => {
    const seconds = elapsed(before.at);
    const self = process.cpuUsage(before.self);
    const selfPct = (self.user + self.system) / 1e4 / seconds;
    const pgPct = (postgresCpuMs() - before.pg) / 10 / seconds;
    const machine = machineTicks();
    const busy = machine.busy - before.machine.busy;
    const total = busy + machine.idle - before.machine.idle;
    const machinePct = total > 0 ? (100 * busy) / total : 0;
    return {
      benchProcessCpuPct: Math.round(selfPct), postgresCpuPct: Math.round(pgPct),
      otherCpuPct: Math.max(0, Math.round((machinePct * availableParallelism()) - selfPct - pgPct)),
      machineBusyPct: Math.round(machinePct), stealPct: total > 0 ? Math.round((100 * (machine.steal - before.machine.steal)) / total) : 0, loadAvg1: round1(loadavg()[0]!),
    };
  };
}

/** CPU ms of this process's threads by kind since `since` (/proc/self/task: MainThread, WorkerThread = worker_threads, the rest). */
function threadCpuMs(since?: Record<string, number>): Record<string, number> {
  const byKind: Record<string, number> = { main: 0, workers: 0, other: 0 };
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      const kind = comm === 'MainThread' ? 'main' : comm === 'WorkerThread' ? 'workers' : 'other';
      byKind[kind]! += (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      // the thread ended meanwhile
    }
  }
  if (since) for (const kind of Object.keys(byKind)) byKind[kind]! -= since[kind] ?? 0;
  return byKind;
}

/** Per-message CPU by thread and the idle-machine estimate (see IngestionRow). */
function perMessage(threads: Record<string, number>, postgresMs: number, messages: number, unwrapWorkers: number): Pick<IngestionRow, 'cpuMicrosPerMessage' | 'idleMachineEstimate'> {
  const us = (ms: number) => Math.round((ms * 1000) / messages);
  const cpu = { eventLoop: us(threads.main!), unwrapWorkers: us(threads.workers!), otherThreads: us(threads.other!), postgres: us(postgresMs) };
  const cores = availableParallelism();
  const total = cpu.eventLoop + cpu.unwrapWorkers + cpu.otherThreads + cpu.postgres;
  const bounds = [1e6 / Math.max(1, cpu.eventLoop), (cores * 1e6) / Math.max(1, total)];
  if (unwrapWorkers > 0) bounds.push((Math.min(unwrapWorkers, cores) * 1e6) / Math.max(1, cpu.unwrapWorkers));
  return { cpuMicrosPerMessage: cpu, idleMachineEstimate: Math.round(Math.min(...bounds)) };
}

/** Busy and idle jiffies of all CPUs (/proc/stat). */
function machineTicks(): { busy: number; idle: number; steal: number } {
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: fields.reduce((a, b) => a + b, 0) - idle, idle, steal: fields[7] ?? 0 };
}

/** CPU ms of every live `postgres` process (clock ticks of 10 ms). Backends that exited during the phase are missed. */
function postgresCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.split(') ')[1]!.split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function elapsed(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** The tables bench/run.ts prints. */
export function printMsgaudit(result: MsgauditBenchResult): void {
  const flat = (load: MachineLoad) => ({ selfCpu: `${load.benchProcessCpuPct}%`, pgCpu: `${load.postgresCpuPct}%`, otherCpu: `${load.otherCpuPct}%`, machineBusy: `${load.machineBusyPct}%`, steal: `${load.stealPct}%`, load1: load.loadAvg1 });
  console.log(`msgaudit: ${result.messages} messages, ${result.cores} cores (${result.cpuModel}), target ${result.targetMessagesPerSecond} msg/s`);
  console.table(result.unwrap.map(({ load, ...row }) => ({ ...row, ...flat(load) })));
  console.table(result.ingestion.map(({ load, cpuMicrosPerMessage: c, ...row }) => ({ ...row, 'cpuµs/msg loop+rsa+other+pg': `${c.eventLoop}+${c.unwrapWorkers}+${c.otherThreads}+${c.postgres}`, ...flat(load) })));
  if (result.media) {
    const { load, ...media } = result.media;
    console.table([{ ...media, ...flat(load) }]);
  }
}

if (require.main === module) {
  benchMsgaudit(msgauditOptionsFromArgv()).then(printMsgaudit).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
