/**
 * `cgw msgaudit status`: per corp, the last archived seq, the last pull, the
 * lag behind Tencent, the time left before unpulled data passes Tencent's
 * retention horizon, records archived raw, and why a puller stopped; then the
 * media backlog (downloads pending, and failed ones that need an operator —
 * counted over all corps: the database knows a row's corp only as a blind
 * index). Reads the database directly (like `cgw archive verify`), never the
 * keys. Exit 0 when all is well, 1 when a corp or a media download needs
 * attention, 2 on a usage or configuration problem.
 */
import { createDataSource } from '../../gateway/db/data-source';
import { MSGAUDIT_CURSOR_ENTITY, MSGAUDIT_PERMIT_ENTITY, OUTBOX_ENTITY, type MsgauditCursorRow, type MsgauditPermitRow, type OutboxRow } from '../../gateway/db/entities';
import { msgauditStatus, type CorpStatus } from '../../gateway/msgaudit/status';
import { loadCliConfig } from './load';

/** Exit code: 0 fine, 1 a corp needs attention, 2 bad configuration. */
export async function msgauditStatusCommand(opts: { config?: string; json?: boolean }, now: () => number = Date.now): Promise<number> {
  const config = loadCliConfig(opts.config);
  if (!config) return 2;
  const dataSource = await createDataSource(config.database).initialize();
  let rows: MsgauditCursorRow[];
  let media: { pending: number; failed: number };
  let permits: MsgauditPermitRow[];
  try {
    rows = await dataSource.getRepository<MsgauditCursorRow>(MSGAUDIT_CURSOR_ENTITY).find({ order: { corpId: 'ASC' } });
    const outbox = dataSource.getRepository<OutboxRow>(OUTBOX_ENTITY);
    media = { pending: await outbox.countBy({ kind: 'media', status: 'pending' }), failed: await outbox.countBy({ kind: 'media', status: 'failed' }) };
    permits = await dataSource.getRepository<MsgauditPermitRow>(MSGAUDIT_PERMIT_ENTITY).find();
  } finally {
    await dataSource.destroy();
  }
  const pulled = config.corps.filter((corp) => corp.msgaudit).map((corp) => ({ id: corp.id, corpId: corp.corpId }));
  const status = msgauditStatus(rows, pulled, config.msgaudit, now()).map((s) => ({ ...s, permitCoverage: coverageOf(permits.find((p) => p.corpId === s.corp)) }));
  process.stdout.write(opts.json ? `${JSON.stringify({ corps: status, media }, null, 2)}\n` : `${humanStatus(status)}${humanMedia(media)}`);
  // Members chatting with customers outside the permit list are chats the bank is not archiving.
  return status.some((s) => s.needsAttention || (s.permitCoverage?.uncoveredCount ?? 0) > 0) || media.failed > 0 ? 1 : 0;
}

function humanMedia(media: { pending: number; failed: number }): string {
  return `media: ${media.pending} download(s) pending, ${media.failed} failed${media.failed > 0 ? ' (see the failed media outbox rows: each says what went wrong)' : ''}\n`;
}

/** Permit-list coverage as the gateway last measured it (null: never measured). */
interface PermitCoverageView {
  checkedAt: string;
  permittedCount: number;
  membersSeen: number;
  uncoveredCount: number;
  uncovered: string[];
  error: string | null;
}

function coverageOf(row: MsgauditPermitRow | undefined): PermitCoverageView | null {
  if (!row) return null;
  return {
    checkedAt: new Date(row.checkedAt).toISOString(), permittedCount: row.permittedCount, membersSeen: row.membersSeen,
    uncoveredCount: row.uncoveredCount, uncovered: row.uncoveredUserids ? (JSON.parse(row.uncoveredUserids) as string[]) : [], error: row.lastError,
  };
}

function humanCoverage(c: PermitCoverageView | null): string {
  if (!c) return 'not measured yet';
  if (c.error) return `unknown (${c.error}) at ${c.checkedAt}`;
  const gap = c.uncoveredCount > 0 ? `; NOT COVERED: ${c.uncovered.slice(0, 10).join(', ')}${c.uncoveredCount > 10 ? ` and ${c.uncoveredCount - 10} more` : ''}` : '';
  return `${c.permittedCount} permitted; ${c.membersSeen - c.uncoveredCount} of ${c.membersSeen} members seen with customers covered${gap} (at ${c.checkedAt})`;
}

function humanStatus(corps: readonly (CorpStatus & { permitCoverage: PermitCoverageView | null })[]): string {
  if (corps.length === 0) return 'no corp has a msgaudit block: nothing is pulled\n';
  const lines: string[] = [];
  for (const s of corps) {
    const flag = s.stopped ? 'STOPPED' : s.atRisk ? 'AT RISK' : s.needsAttention ? 'NEVER PULLED' : 'ok';
    lines.push(`${s.corp ?? '(not configured)'} (${s.corpId}): ${flag}`);
    lines.push(`  last seq        ${s.lastSeq ?? '-'}`);
    lines.push(`  last pull       ${s.lastPullAt ?? '-'}`);
    lines.push(`  lag             ${s.lagSeconds === null ? '-' : duration(s.lagSeconds)}`);
    lines.push(`  retention left  ${s.retentionLeftSeconds === null ? '-' : duration(s.retentionLeftSeconds)}`);
    lines.push(`  undecryptable   ${s.undecryptable}`);
    lines.push(`  skipped seqs    ${s.skippedSeqs}`);
    lines.push(`  permit coverage ${humanCoverage(s.permitCoverage)}`);
    if (s.lastError) lines.push(`  last error      ${s.lastError.code} at ${s.lastError.at ?? '?'}: ${s.lastError.reason ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

function duration(seconds: number): string {
  const sign = seconds < 0 ? '-' : '';
  let left = Math.abs(seconds);
  const d = Math.floor(left / 86_400);
  left -= d * 86_400;
  const h = Math.floor(left / 3600);
  left -= h * 3600;
  const m = Math.floor(left / 60);
  return `${sign}${d > 0 ? `${d}d ` : ''}${h}h ${m}m`;
}
