/** Compares a Decision with a case's expectations; each difference becomes one human-readable line. */
import { isDeepStrictEqual } from 'node:util';
import type { Decision, DecisionReason } from '../../connectors/canonical/decision';
import type { OutboundMessage } from '../../connectors/canonical/outbound-message';
import { getAtPointer } from '../json-pointer';
import { parseDuration } from '../schema';
import type { CaseExpectation } from './case-schema';

/** Every way `decision` differs from `expect` (empty when the case passes). */
export function compareDecision(decision: Decision, expect: CaseExpectation, message: OutboundMessage): string[] {
  const diff: string[] = [];
  if (decision.outcome !== expect.outcome) diff.push(`outcome: expected ${expect.outcome}, got ${decision.outcome}`);
  diff.push(...compareReasons(decision.reasons, expect.reasons));
  if (expect.masked) {
    const key = (m: { path: string; detector: string; count: number }): string => `${m.path} ${m.detector} ×${m.count}`;
    const want = expect.masked.map(key).sort();
    const got = decision.masked.map(key).sort();
    if (!isDeepStrictEqual(want, got)) diff.push(`masked: expected [${want.join(', ')}], got [${got.join(', ')}]`);
  }
  if (expect.hits) {
    const got = decision.hits.map((h) => `${h.source}:${h.id} at ${h.path} ×${h.count}`);
    const remaining = [...decision.hits];
    for (const want of expect.hits) {
      const i = remaining.findIndex((h) => h.source === want.source && h.id === want.id && (want.path === undefined || h.path === want.path) && (want.count === undefined || h.count === want.count));
      if (i < 0) diff.push(`hits: expected ${want.source}:${want.id}${want.path ? ` at ${want.path}` : ''}, got [${got.join(', ')}]`);
      else remaining.splice(i, 1);
    }
    if (remaining.length > 0) diff.push(`hits: unexpected [${remaining.map((h) => `${h.source}:${h.id} at ${h.path}`).join(', ')}]`);
  }
  if (expect.body && !isDeepStrictEqual(decision.body, expect.body)) diff.push(`body: expected ${JSON.stringify(expect.body)}, got ${JSON.stringify(decision.body)}`);
  if (expect.text !== undefined) {
    const path = message.texts[0]?.path ?? '/text/content';
    const got = getAtPointer(decision.body, path);
    if (got !== expect.text) diff.push(`text at ${path}: expected ${JSON.stringify(expect.text)}, got ${JSON.stringify(got)}`);
  }
  if (expect.deny) {
    if (!decision.deny) diff.push('deny: expected a deny answer, got none');
    else {
      if (expect.deny.errcode !== undefined && decision.deny.errcode !== expect.deny.errcode) diff.push(`deny.errcode: expected ${expect.deny.errcode}, got ${decision.deny.errcode}`);
      if (expect.deny.errmsg !== undefined && decision.deny.errmsg !== expect.deny.errmsg) diff.push(`deny.errmsg: expected ${JSON.stringify(expect.deny.errmsg)}, got ${JSON.stringify(decision.deny.errmsg)}`);
    }
  }
  if (expect.approval) {
    const a = decision.approval;
    if (!a) diff.push('approval: expected an approval requirement, got none');
    else {
      const want = expect.approval;
      if (want.group !== undefined && a.group !== want.group) diff.push(`approval.group: expected ${want.group}, got ${a.group}`);
      if (want.requiredApprovals !== undefined && a.requiredApprovals !== want.requiredApprovals) diff.push(`approval.requiredApprovals: expected ${want.requiredApprovals}, got ${a.requiredApprovals}`);
      if (want.ttl !== undefined && a.ttlMs !== parseDuration(want.ttl)) diff.push(`approval.ttl: expected ${want.ttl} (${parseDuration(want.ttl)} ms), got ${a.ttlMs} ms`);
      if (want.route !== undefined && a.route !== want.route) diff.push(`approval.route: expected ${want.route}, got ${a.route}`);
    }
  }
  return diff;
}

function compareReasons(actual: readonly DecisionReason[], expected: CaseExpectation['reasons']): string[] {
  const remaining = [...actual];
  const missing: string[] = [];
  for (const entry of expected) {
    const want = typeof entry === 'string' ? { code: entry } : entry;
    const i = remaining.findIndex((r) => r.code === want.code && (want.rule === undefined || r.rule === want.rule) && (want.detail === undefined || r.detail === want.detail));
    if (i < 0) missing.push(describe(want));
    else remaining.splice(i, 1);
  }
  if (missing.length === 0 && remaining.length === 0) return [];
  const out: string[] = [];
  if (missing.length > 0) out.push(`reasons: missing ${missing.join(', ')}`);
  if (remaining.length > 0) out.push(`reasons: unexpected ${remaining.map(describe).join(', ')}`);
  out.push(`  actual reasons: ${actual.map(describe).join(', ')}`);
  return out;
}

function describe(r: { code: string; rule?: string; detail?: string }): string {
  return `${r.code}${r.rule ? ` (rule ${r.rule})` : ''}${r.detail ? ` [${r.detail}]` : ''}`;
}
