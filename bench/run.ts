/**
 * `npm run bench`: throughput and latency figures, not a test. Prints a table
 * and writes bench-results.json. Options: --duration S (default 20),
 * --connections N (default 64), --verify-records N (default 1000000), --policy-seconds S (default 5),
 * --only callbacks|verify|policy.
 */
import { writeFileSync } from 'node:fs';
import { benchCallbacks } from './callbacks.bench';
import { benchVerifyArchive } from './verify-archive.bench';
import { benchPolicy } from './policy.bench';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

async function main(): Promise<void> {
  const only = arg('only', 'all');
  const out: Record<string, unknown> = { at: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length };
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
  writeFileSync('bench-results.json', `${JSON.stringify(out, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
