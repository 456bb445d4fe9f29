/**
 * The policy the outbound benchmark runs: the bundled default with exactly
 * two numbers raised, because the default's limits are per follower and per
 * app and a benchmark sends one app's 1,000 msg/s to a pool of followers.
 * Every rule stays on and is evaluated and looked up as in production (the
 * window's contact row, the app's day and minute counts, the FINRA count);
 * only the thresholds move, so no message is refused for quota.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

/** What the benchmark changed in the default policy, for the report. */
export const BENCH_POLICY_CHANGES = [
  'window.triggers.message.quota 5 → 1000000 (customer-service messages per 48-hour window per follower)',
  'quotas[app-default-quota] perMinute 3000 → 1000000, perDay 200000 → 100000000',
];

interface PolicyTree {
  window: { triggers: { message: { validity: string; quota: number | string } } };
  quotas: { id: string; perMinute?: number; perDay?: number }[];
}

/** Write the benchmark policy into `dir`; returns its path. */
export function writeBenchPolicy(dir: string): string {
  const tree = parse(readFileSync(join(__dirname, '..', 'policies', 'default-policy.yaml'), 'utf8')) as PolicyTree;
  tree.window.triggers.message.quota = 1_000_000;
  const quota = tree.quotas.find((q) => q.id === 'app-default-quota');
  if (!quota) throw new Error('the default policy no longer has app-default-quota: update bench/outbound-policy.ts');
  quota.perMinute = 1_000_000;
  quota.perDay = 100_000_000;
  const path = join(dir, 'bench-policy.yaml');
  writeFileSync(path, `# bench/outbound-policy.ts: the default policy with ${BENCH_POLICY_CHANGES.join('; ')}\n${stringify(tree)}`);
  return path;
}
