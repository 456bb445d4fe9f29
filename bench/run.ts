/**
 * `npm run bench`: throughput and latency figures, not a test. Prints a table
 * and writes bench-results.json. Options: --duration S (default 20),
 * --connections N (default 64), --verify-records N (default 1000000), --policy-seconds S (default 5),
 * --only callbacks|verify|policy|outbound|consent|msgaudit (--consent-records N, default 1000000; --consent-seconds S, default 5).
 * Outbound (bench/outbound.bench.ts): --rate N[,N…] msg/s (default 1000), --followers N (1000),
 * --senders N (64), --saturation-seconds S (5), --max-in-flight N (256),
 * --outbound-db postgres,sqlite, --profile DIR (CPU profile of the gateway).
 * Msgaudit (--only msgaudit, bench/msgaudit.bench.ts): --msgaudit-messages N (50000), --msgaudit-workers 0,default,
 * --msgaudit-media-mb N (64), --msgaudit-media-file-mb N (4), --msgaudit-unwrap-ops N (4000).
 * Sections not run keep their figures from the previous bench-results.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { benchCallbacks } from './callbacks.bench';
import { benchVerifyArchive } from './verify-archive.bench';
import { benchPolicy } from './policy.bench';
import { benchOutbound, outboundOptionsFromArgv } from './outbound.bench';
import { benchConsent } from './consent.bench';
import { benchMsgaudit, msgauditOptionsFromArgv, printMsgaudit } from './msgaudit.bench';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

async function main(): Promise<void> {
  const only = arg('only', 'all');
  const known = ['all', 'callbacks', 'verify', 'policy', 'outbound', 'consent', 'msgaudit'];
  if (!known.includes(only)) throw new Error(`--only ${only}: expected one of ${known.join(', ')}`);
  const previous = existsSync('bench-results.json') ? (JSON.parse(readFileSync('bench-results.json', 'utf8')) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = { ...previous, at: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length };
  if (only === 'all' || only === 'callbacks') {
    const callbacks = await benchCallbacks({
      targets: [{ kind: 'sqlite', workers: 1 }, { kind: 'postgres', workers: 1 }, { kind: 'postgres', workers: 2 }], durationSeconds: Number(arg('duration', '20')), connections: Number(arg('connections', '64')) });
    console.table(callbacks);
    out.callbacks = callbacks;
  }
  if (only === 'all' || only === 'verify') {
    const verify = await benchVerifyArchive({ records: Number(arg('verify-records', '1000000')), kinds: ['sqlite', 'postgres'] });
    console.table(verify);
    out.verify = verify;
  }
  if (only === 'all' || only === 'policy') {
    const policy = benchPolicy({ seconds: Number(arg('policy-seconds', '5')) });
    console.table([{ ...policy, outcomes: JSON.stringify(policy.outcomes) }]);
    out.policy = policy;
  }
  if (only === 'all' || only === 'outbound') {
    const outbound = await benchOutbound(outboundOptionsFromArgv());
    console.log(`outbound policy: ${outbound.policy.join('\n  ')}\noutbound simulator: ${outbound.simulator}`);
    console.table(outbound.rows);
    console.table(outbound.databases.map((d) => ({ ...d, messageStates: JSON.stringify(d.messageStates), queued: d.queued.join('; ') })));
    out.outbound = outbound;
  }
  if (only === 'all' || only === 'consent') {
    const consent = await benchConsent({ records: Number(arg('consent-records', '1000000')), seconds: Number(arg('consent-seconds', '5')) });
    console.table(consent.decisions);
    console.table([consent.customerLookup]);
    out.consent = consent;
  }
  if (only === 'all' || only === 'msgaudit') {
    const msgaudit = await benchMsgaudit(msgauditOptionsFromArgv());
    printMsgaudit(msgaudit);
    out.msgaudit = msgaudit;
  }
  writeFileSync('bench-results.json', `${JSON.stringify(out, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
