/**
 * Outbound allowed path (issue 4): customer-service texts from one internal
 * app, through the gateway's Tencent-compatible API, to the Tencent
 * simulator — beside the same load sent straight to the simulator with a
 * real simulator token, in the same run, so the difference is what the
 * gateway adds (policy, archive commit, inline delivery, Tencent's answer
 * archived). Target: p99 overhead ≤ 5 ms at 1,000 msg/s.
 *
 * Per database: the gateway runs in its own process (test/faults/
 * gateway-process.ts, as the callbacks benchmark does); the simulator and
 * the load generator share this one. A pool of followers each push one text
 * through the simulator first (the gateway archives it and opens their
 * 48-hour window); after a short warm-up, runs in pairs (direct, then through
 * the gateway), each run with its own service-number tag:
 *   rate — open-loop at each `rate` msg/s for `duration` s;
 *   sat  — closed-loop, `senders` concurrent senders for `saturationSeconds`:
 *          the most allowed-path msg/s each can take.
 * Afterwards every message the app was answered errcode 0 (or "queued") for
 * must be in the simulator's received log exactly once, and nothing else;
 * and the followers' window counters must add up to the delivered messages.
 * Gateway rows also carry the CPU the gateway (and its PostgreSQL backends)
 * spent per message and the archive writer's commit figures from /metrics:
 * on a shared machine those say more than latency does.
 *
 *   tsx bench/outbound.bench.ts [--rate 100,1000] [--duration 20] [--outbound-db postgres,sqlite] [--outbound-workers N] [--profile DIR] …
 *   (options as in bench/run.ts, which runs this with --only outbound)
 *
 * The policy is the bundled default with two limits raised (see
 * bench/outbound-policy.ts); the simulator's "user sent a message" window
 * has no message quota (Tencent's is 5), for the same reason.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createSimulatedAccount, type SimulatedAccount } from '../gateway/simulator/accounts';
import { createTencentSimulator, type TencentSimulator } from '../gateway/simulator/simulator';
import { textMessage } from '../gateway/simulator/pushes';
import { createDataSource, type DatabaseConfig } from '../gateway/db/data-source';
import { OA_CONTACT_ENTITY } from '../gateway/db/entities';
import { freePort } from '../test/free-port';
import { startServerProcess, type ServerProcess } from './child';
import { freshDatabase } from './fresh-database';
import { closedLoop, openLoop, quantile, type LoadRequest, type LoadResult } from './http-load';
import { customTextBody, serviceNumber, serviceNumberOf, serviceText } from './outbound-messages';
import { BENCH_POLICY_CHANGES, writeBenchPolicy } from './outbound-policy';
import { archiveMetrics, messageStates, postgresBackendCpu, queuedFates } from './outbound-probes';

export interface OutboundBenchOptions {
  kinds: ('sqlite' | 'postgres')[];
  /** Open-loop rates, msg/s, each run for `durationSeconds` (default [1000]). */
  ratesPerSecond: number[];
  durationSeconds: number;
  /** Followers whose window is open; message i goes to follower i mod followers. */
  followers: number;
  /** Closed-loop senders and seconds for the saturation figure (0 seconds: skip). */
  senders: number;
  saturationSeconds: number;
  /** Open-loop cap on requests in flight; sends it holds back more than 10 s past the run are given up (reported as unsent). */
  maxInFlight: number;
  /** Take a CPU profile of the gateway process into this directory. */
  profileDir?: string;
  /** Gateway worker processes (server.workers; default 1). CPU figures then count the primary only. */
  workers?: number;
  log?: (line: string) => void;
}

export interface OutboundBenchRow {
  target: string;
  load: string;
  msgPerSecond: number;
  /** Answered errcode 0 (gateway: cgw_status delivered). */
  ok: number;
  /** Everything else, by errcode or cgw_status (JSON). */
  notOk: string;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Open-loop: p99 from the moment each send was due (includes any wait in the load generator). */
  p99FromDueMs: number;
  /** Gateway rows: p50/p99 minus the direct row's in the same load. */
  overheadP50Ms?: number;
  overheadP99Ms?: number;
  /** Gateway rows: CPU ms the gateway process used per message. */
  gatewayCpuMsPerMsg?: number;
  /** Gateway rows on PostgreSQL: CPU ms the gateway's PostgreSQL backends used per message. */
  postgresCpuMsPerMsg?: number;
  /** Gateway rows: archive transactions per message, their mean records and mean wall time (from the gateway's /metrics). */
  archiveCommitsPerMsg?: number;
  archiveBatchMean?: number;
  archiveCommitMeanMs?: number;
  /** Messages answered ok that the simulator received exactly once / answered ok; plus duplicates, missing, and received though not answered ok. */
  receivedExactlyOnce: string;
  peakRssMb?: number;
}

export interface OutboundBenchResult {
  policy: string[];
  simulator: string;
  rows: OutboundBenchRow[];
  /**
   * Per database: the gateway's outbound_message states at the end (and the
   * window counters' sum, which must equal `delivered`), where each message
   * the app was told "queued" stands, and the machine's load average before
   * and after (the machine is shared).
   */
  databases: { kind: string; messageStates: Record<string, number>; queued: string[]; loadAverage: string }[];
}

const ACCOUNT_ID = 'bench-oa';
const CUSTOM_SEND = '/cgi-bin/message/custom/send';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const alnum = (n: number) => Array.from(randomBytes(n), (b) => ALNUM[b % 62]).join('');

interface Target {
  port: number;
  path: string;
}

interface Run {
  tag: string;
  target: 'direct' | 'gateway';
  load: string;
  result: LoadResult;
  gatewayCpuMs?: number;
  postgresCpuMs?: number;
  archive?: { commits: number; records: number; seconds: number };
}

/** Run the benchmark on each database kind. */
export async function benchOutbound(opts: OutboundBenchOptions): Promise<OutboundBenchResult> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const rows: OutboundBenchRow[] = [];
  const databases: OutboundBenchResult['databases'] = [];
  for (const kind of opts.kinds) {
    const before = loadAverage();
    const one = await benchOne(kind, opts, log);
    rows.push(...one.rows);
    databases.push({ kind, messageStates: one.messageStates, queued: one.queued, loadAverage: `${before} → ${loadAverage()}` });
  }
  return { policy: ['bundled default policy with:', ...BENCH_POLICY_CHANGES], simulator: 'custom/send window opened by a user message: 48 h, no message quota (Tencent: 5)', rows, databases };
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

async function benchOne(kind: 'sqlite' | 'postgres', opts: OutboundBenchOptions, log: (line: string) => void): Promise<{ rows: OutboundBenchRow[]; messageStates: Record<string, number>; queued: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'cgw-bench-out-'));
  const db = await freshDatabase(kind, dir);
  const port = await freePort();
  const account = createSimulatedAccount({ callbackUrl: `http://127.0.0.1:${port}/callback/oa/${ACCOUNT_ID}`, mode: 'safe' });
  const sim = createTencentSimulator({ accounts: [account], serviceWindows: { message: { validitySeconds: 48 * 3600, quota: null } } });
  const simListening = await sim.listen();
  const simPort = Number(new URL(simListening.url).port);
  const app = { appId: `wx${randomBytes(8).toString('hex')}`, appSecret: randomBytes(16).toString('hex') };
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, stringify({
    dataDir: dir,
    server: { host: '127.0.0.1', port, workers: opts.workers ?? 1 },
    database: db.config,
    keys: { type: 'file', path: join(dir, 'keys.json') },
    archive: { pkiDir: join(dir, 'pki') },
    logging: { level: 'warn' },
    tencent: { oaBaseUrl: simListening.url },
    policy: { file: writeBenchPolicy(dir) },
    accounts: [{ id: ACCOUNT_ID, appId: account.appId, appSecret: account.appSecret, originalId: account.originalId, token: account.token, encodingAESKey: account.encodingAESKey, mode: 'safe' }],
    apps: [{ id: 'crm', credentials: { appId: app.appId, appSecret: app.appSecret, token: alnum(24), encodingAESKey: alnum(43) }, sends: [ACCOUNT_ID], owners: ['crm-team'] }],
  }), { mode: 0o600 });
  const nodeArgs = opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : [];
  const gateway = await startServerProcess('test/faults/gateway-process.ts', [configPath], nodeArgs);
  const name = `gateway, ${kind}`;
  try {
    log(`outbound bench (${kind}): opening the window of ${opts.followers} followers`);
    const followers = await openWindows(sim, account, opts.followers, db.config);
    const gatewayToken = await token(port, `/oa/${ACCOUNT_ID}/cgi-bin/token?grant_type=client_credential&appid=${app.appId}&secret=${app.appSecret}`);
    const simToken = await token(simPort, '/cgi-bin/stable_token', { grant_type: 'client_credential', appid: account.appId, secret: account.appSecret });
    const direct: Target = { port: simPort, path: `${CUSTOM_SEND}?access_token=${simToken}` };
    const viaGateway: Target = { port, path: `/oa/${ACCOUNT_ID}/cgi-bin/message/custom/send?access_token=${gatewayToken}` };
    const requests = (t: Target, tag: string) => (i: number): LoadRequest => ({ path: t.path, body: customTextBody(followers[i % followers.length]!, serviceText(tag, i)) });

    // Warm-up (JIT, connection pools, the gateway's upstream token): not reported.
    await closedLoop(simPort, 8, 2, requests(direct, 'WD'));
    await closedLoop(port, 8, 2, requests(viaGateway, 'WG'));

    const runs: Run[] = [];
    for (const [r, rate] of opts.ratesPerSecond.entries()) {
      const count = Math.round(rate * opts.durationSeconds);
      const rateLoad = `open loop ${rate}/s × ${opts.durationSeconds} s`;
      const tag = (target: string) => `R${ALPHA[r]}${target}`;
      log(`outbound bench (${kind}): ${rateLoad}, direct to the simulator`);
      runs.push({ tag: tag('D'), target: 'direct', load: rateLoad, result: await openLoop(simPort, count, rate, opts.maxInFlight, 10, requests(direct, tag('D'))) });
      log(`outbound bench (${kind}): ${rateLoad}, through the gateway`);
      runs.push(await gatewayRun(gateway, db.config, tag('G'), rateLoad, () => openLoop(port, count, rate, opts.maxInFlight, 10, requests(viaGateway, tag('G')))));
    }
    if (opts.saturationSeconds > 0) {
      const satLoad = `closed loop, ${opts.senders} senders × ${opts.saturationSeconds} s`;
      log(`outbound bench (${kind}): ${satLoad}, direct and through the gateway`);
      runs.push({ tag: 'SD', target: 'direct', load: satLoad, result: await closedLoop(simPort, opts.senders, opts.saturationSeconds, requests(direct, 'SD')) });
      runs.push(await gatewayRun(gateway, db.config, 'SG', satLoad, () => closedLoop(port, opts.senders, opts.saturationSeconds, requests(viaGateway, 'SG'))));
    }
    await settle(sim, runs);
    const received = receivedCounts(sim);
    const rows = runs.map((run) => row(run, run.target === 'direct' ? 'direct to the simulator (baseline)' : name, received));
    for (const r of rows) {
      if (r.target !== name) continue;
      const baseline = rows.find((b) => b.load === r.load && b.target !== name)!;
      r.overheadP50Ms = round(r.p50Ms - baseline.p50Ms);
      r.overheadP99Ms = round(r.p99Ms - baseline.p99Ms);
      r.peakRssMb = gateway.peakRssMb();
    }
    const queued = runs.flatMap((r) => r.result.answers.filter((a) => a.cgwStatus === 'queued').map((a) => ({ msgid: a.cgwMsgid ?? '?', received: received.get(serviceNumber(r.tag, a.index)) ?? 0 })));
    return { rows, messageStates: await messageStates(db.config), queued: await queuedFates(db.config, queued) };
  } finally {
    await gateway.stop();
    await simListening.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function gatewayRun(gateway: ServerProcess, database: DatabaseConfig, tag: string, load: string, go: () => Promise<LoadResult>): Promise<Run> {
  const metrics0 = await archiveMetrics(gateway.port);
  const pg0 = await postgresBackendCpu(database);
  const cpu0 = gateway.cpuMs();
  const result = await go();
  const gatewayCpuMs = gateway.cpuMs() - cpu0;
  const pg1 = await postgresBackendCpu(database);
  const metrics1 = await archiveMetrics(gateway.port);
  const postgresCpuMs = pg1 && pg0 ? [...pg1].reduce((sum, [pid, ms]) => sum + ms - (pg0.get(pid) ?? 0), 0) : undefined;
  return {
    tag, target: 'gateway', load, result, gatewayCpuMs,
    ...(postgresCpuMs !== undefined ? { postgresCpuMs } : {}),
    archive: { commits: metrics1.commits - metrics0.commits, records: metrics1.records - metrics0.records, seconds: metrics1.seconds - metrics0.seconds },
  };
}

/** New followers each push a text through the simulator; resolves with their openids once the gateway's follower view has every window. */
async function openWindows(sim: TencentSimulator, account: SimulatedAccount, count: number, database: DatabaseConfig): Promise<string[]> {
  const openids = Array.from({ length: count }, () => sim.newFollowerOpenid(account.appId));
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < openids.length) {
      const openid = openids[next++]!;
      const report = await sim.send(account.appId, textMessage({ toUserName: account.originalId, fromUserName: openid, content: '你好，我想咨询一下信用卡账单' }));
      if (report.outcome !== 'acked') throw new Error(`the gateway did not acknowledge a follower's text: ${report.outcome} ${report.problem ?? ''}`);
    }
  }));
  const ds = await createDataSource(database).initialize();
  try {
    const deadline = Date.now() + 30_000;
    while ((await ds.getRepository(OA_CONTACT_ENTITY).count()) < count) {
      if (Date.now() > deadline) throw new Error('the gateway did not record every follower window within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await ds.destroy();
  }
  return openids;
}

async function token(port: number, path: string, body?: Record<string, unknown>): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, body ? { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {});
  const json = (await res.json()) as { access_token?: string };
  if (!json.access_token) throw new Error(`no access_token from ${path.split('?')[0]}: ${JSON.stringify(json)}`);
  return json.access_token;
}

const okAnswer = (a: { errcode: number | string; cgwStatus?: string }) => a.errcode === 0 && (a.cgwStatus === undefined || a.cgwStatus === 'delivered');

/**
 * Wait until every message answered "queued" has reached the simulator too;
 * then the received log is final. At most 75 s: a delivery whose claim is
 * held by an attempt that went nowhere is retried once the claim lapses
 * (outbound.claimMs, 60 s) and the sweeper (5 s) runs.
 */
async function settle(sim: TencentSimulator, runs: Run[]): Promise<void> {
  const queued = runs.flatMap((r) => r.result.answers.filter((a) => a.cgwStatus === 'queued').map((a) => serviceNumber(r.tag, a.index)));
  const deadline = Date.now() + 75_000;
  while (queued.length > 0 && Date.now() < deadline) {
    const received = receivedCounts(sim);
    if (queued.every((n) => received.has(n))) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 300)); // late duplicates, if any, would land now
}

function receivedCounts(sim: TencentSimulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of sim.received({ path: CUSTOM_SEND })) {
    const n = serviceNumberOf((m.body.text as { content?: unknown } | undefined)?.content);
    if (n) counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  return counts;
}

function row(run: Run, target: string, received: Map<string, number>): OutboundBenchRow {
  const { answers } = run.result;
  const ok = answers.filter(okAnswer);
  const notOk: Record<string, number> = {};
  for (const a of answers) {
    if (okAnswer(a)) continue;
    const key = a.errcode === 0 ? `cgw_status ${a.cgwStatus}` : `errcode ${a.errcode}`;
    notOk[key] = (notOk[key] ?? 0) + 1;
  }
  if (run.result.unsent > 0) notOk['unsent (load generator gave up)'] = run.result.unsent;
  let once = 0;
  let duplicated = 0;
  let missing = 0;
  let unexpected = 0;
  for (const a of answers) {
    const n = received.get(serviceNumber(run.tag, a.index)) ?? 0;
    if (okAnswer(a) || a.cgwStatus === 'queued') {
      if (n === 1) once++;
      else if (n === 0) missing++;
      else duplicated++;
    } else if (n > 0) unexpected++;
  }
  const expected = answers.filter((a) => okAnswer(a) || a.cgwStatus === 'queued').length;
  const latencies = ok.map((a) => a.latencyMs);
  return {
    target,
    load: run.load,
    msgPerSecond: Math.round(ok.length / run.result.seconds),
    ok: ok.length,
    notOk: JSON.stringify(notOk),
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    maxMs: quantile(latencies, 1),
    p99FromDueMs: quantile(ok.map((a) => a.sinceDueMs), 0.99),
    ...(run.gatewayCpuMs !== undefined ? { gatewayCpuMsPerMsg: round(run.gatewayCpuMs / Math.max(1, answers.length)) } : {}),
    ...(run.postgresCpuMs !== undefined ? { postgresCpuMsPerMsg: round(run.postgresCpuMs / Math.max(1, answers.length)) } : {}),
    ...(run.archive ? {
      archiveCommitsPerMsg: round(run.archive.commits / Math.max(1, answers.length)),
      archiveBatchMean: round(run.archive.records / Math.max(1, run.archive.commits)),
      archiveCommitMeanMs: round((run.archive.seconds * 1000) / Math.max(1, run.archive.commits)),
    } : {}),
    receivedExactlyOnce: `${once}/${expected}${duplicated ? `, ${duplicated} duplicated` : ''}${missing ? `, ${missing} missing` : ''}${unexpected ? `, ${unexpected} received though refused` : ''}`,
  };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** Options from the command line (shared with bench/run.ts). */
export function outboundOptionsFromArgv(): OutboundBenchOptions {
  const profile = arg('profile', '');
  return {
    kinds: arg('outbound-db', 'postgres,sqlite').split(',').map((k) => k.trim()).filter((k): k is 'sqlite' | 'postgres' => k === 'sqlite' || k === 'postgres'),
    ratesPerSecond: arg('rate', '1000').split(',').map(Number).filter((n) => n > 0),
    durationSeconds: Number(arg('duration', '20')),
    followers: Number(arg('followers', '1000')),
    senders: Number(arg('senders', '64')),
    saturationSeconds: Number(arg('saturation-seconds', '5')),
    maxInFlight: Number(arg('max-in-flight', '256')),
    workers: Number(arg('outbound-workers', '1')),
    ...(profile ? { profileDir: profile } : {}),
  };
}

if (require.main === module) {
  benchOutbound(outboundOptionsFromArgv()).then(
    (r) => {
      console.log(r.policy.join('\n  '));
      console.table(r.rows);
      console.table(r.databases.map((d) => ({ ...d, messageStates: JSON.stringify(d.messageStates), queued: d.queued.join('; ') })));
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
