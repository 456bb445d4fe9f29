/**
 * Supervision case files: the data-driven cases of post-send supervision
 * (supervise.ts), in policies/cases/ beside the outbound ones and run by the
 * same runner (jest and `cgw policies test`). A file says `kind: supervision`:
 *
 *   kind: supervision
 *   policy: ../default-policy.yaml
 *   defaults: { now, captured: { sender: rm, msgtype: text } }
 *   cases:
 *     - name: alerts on a guarantee of principal from an RM
 *       captured: { text: 这款产品保本 }
 *       expect:
 *         severity: critical
 *         findings: [{ code: supervision.lexicon, rule: rm-prohibited-terms, hits: [guarantee-principal ×1] }]
 *
 * `captured.text` is one text at `text.content`; `texts` gives several with
 * their paths. Expectations are exact: `findings` lists every finding (any
 * order; `[]` for none), `hits` every hit of a finding as `id ×count` (summed
 * over paths) or `id ×count at path`; `applied` every rule in scope.
 */
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { CapturedMessage, SupervisionFinding, SupervisionResult } from '../supervise';
import { SUPERVISION_CODES, type SupervisionCode } from '../supervise';
import { SUPERVISION_SENDERS, SUPERVISION_SEVERITIES } from '../schema';
import { caseTime, policyRef } from './case-schema';
import { DEFAULT_NOW, resolveTime } from './case-context';

const code = z.enum(Object.keys(SUPERVISION_CODES) as [SupervisionCode, ...SupervisionCode[]]);

const captured = z.strictObject({
  sender: z.enum(SUPERVISION_SENDERS).optional(),
  msgtype: z.string().min(1).optional(),
  text: z.string().optional(),
  texts: z.array(z.strictObject({ path: z.string().min(1), text: z.string() })).optional(),
});

const findingExpectation = z.strictObject({
  code,
  rule: z.string().min(1),
  severity: z.enum(SUPERVISION_SEVERITIES).optional(),
  hits: z.array(z.string().regex(/^\S+ ×\d+( at \S+)?$/, 'id ×count, optionally followed by: at path')).optional(),
});

const expectation = z.strictObject({
  /** The highest severity, or none. */
  severity: z.enum([...SUPERVISION_SEVERITIES, 'none']).optional(),
  findings: z.array(findingExpectation),
  applied: z.array(z.string()).optional(),
});

const context = { now: caseTime.optional(), captured: captured.optional() };

const supervisionCase = z.strictObject({ name: z.string().min(1), policy: policyRef.optional(), ...context, expect: expectation });

export const supervisionCaseFileSchema = z.strictObject({
  kind: z.literal('supervision'),
  policy: policyRef.optional(),
  defaults: z.strictObject(context).optional(),
  cases: z.array(supervisionCase).min(1),
});

export type SupervisionCaseFile = z.infer<typeof supervisionCaseFileSchema>;
export type SupervisionCaseEntry = SupervisionCaseFile['cases'][number];
export type SupervisionExpectation = SupervisionCaseEntry['expect'];

/** The captured message and `now` of one case (the case wins over the file's defaults, key by key). */
export function supervisionCaseInput(entry: SupervisionCaseEntry, defaults: SupervisionCaseFile['defaults'] = {}): { message: CapturedMessage; now: number } {
  const now = resolveTime(entry.now ?? defaults.now ?? DEFAULT_NOW, DEFAULT_NOW);
  const spec = { ...defaults.captured, ...entry.captured };
  const texts = spec.texts ?? (spec.text !== undefined ? [{ path: 'text.content', text: spec.text }] : []);
  return { message: { sender: spec.sender ?? 'rm', msgtype: spec.msgtype ?? 'text', texts }, now };
}

/** Every way `result` differs from `expect` (empty when the case passes). */
export function compareSupervision(result: SupervisionResult, expect: SupervisionExpectation): string[] {
  const diff: string[] = [];
  const severity = result.severity ?? 'none';
  if (expect.severity !== undefined && severity !== expect.severity) diff.push(`severity: expected ${expect.severity}, got ${severity}`);
  if (expect.applied && !isDeepStrictEqual([...expect.applied].sort(), [...result.applied].sort())) diff.push(`applied: expected [${expect.applied.join(', ')}], got [${result.applied.join(', ')}]`);
  const remaining = [...result.findings];
  const missing: string[] = [];
  for (const want of expect.findings) {
    const i = remaining.findIndex((f) => f.code === want.code && f.rule === want.rule && (want.severity === undefined || f.severity === want.severity) && (want.hits === undefined || sameHits(f, want.hits)));
    if (i < 0) missing.push(`${want.code} (rule ${want.rule})${want.hits ? ` [${want.hits.join(', ')}]` : ''}`);
    else remaining.splice(i, 1);
  }
  if (missing.length > 0 || remaining.length > 0) {
    if (missing.length > 0) diff.push(`findings: missing ${missing.join(', ')}`);
    if (remaining.length > 0) diff.push(`findings: unexpected ${remaining.map(describe).join(', ')}`);
    diff.push(`  actual findings: ${result.findings.length === 0 ? 'none' : result.findings.map(describe).join(', ')}`);
  }
  return diff;
}

function sameHits(finding: SupervisionFinding, want: readonly string[]): boolean {
  const withPath = want.some((w) => w.includes(' at '));
  return isDeepStrictEqual([...want].sort(), hitLines(finding, withPath).sort());
}

function hitLines(finding: SupervisionFinding, withPath: boolean): string[] {
  if (withPath) return finding.hits.map((h) => `${h.id} ×${h.count} at ${h.path}`);
  const counts = new Map<string, number>();
  for (const h of finding.hits) counts.set(h.id, (counts.get(h.id) ?? 0) + h.count);
  return [...counts].map(([id, n]) => `${id} ×${n}`);
}

function describe(f: SupervisionFinding): string {
  return `${f.code} (rule ${f.rule}, ${f.severity}) [${hitLines(f, true).join(', ')}]`;
}
