/**
 * evaluate: one message, one Decision. Pure: the result depends only on the
 * prepared policy and the context (no clock, database, environment or
 * randomness), so an archived context replays to the same decision.
 *
 * Rules run in a fixed order; `reasons` lists every finding in that order,
 * or `policy.default_allow` alone when nothing fired. Routes run last
 * because they match on the reason codes the other rules produced.
 */
import type { Decision } from '../connectors/canonical/decision';
import { canonicalHash } from '../connectors/canonical/json';
import type { PolicyContext } from './context';
import { withStrings } from './json-pointer';
import { combineApprovals, denyOf, outcomeOf } from './outcome';
import type { PreparedPolicy } from './prepare';
import { checkAppQuota } from './rules/app-quota';
import { routeApprovals } from './rules/approval-routes';
import { checkBinding } from './rules/binding';
import { checkConsent } from './rules/consent';
import { applyDisclaimers } from './rules/disclaimer';
import { checkFinra2210 } from './rules/finra2210';
import { checkLexicon } from './rules/lexicon';
import { checkPii } from './rules/pii';
import type { Evaluation, Rule } from './rules/types';
import { checkWindow } from './rules/window';

/** Evaluation order; also the order of `reasons` and the precedence of deny errcodes. */
export const RULE_ORDER: readonly Rule[] = [checkAppQuota, checkWindow, checkBinding, checkConsent, checkLexicon, checkPii, checkFinra2210, applyDisclaimers, routeApprovals];

/** The decision for `ctx.message` under `prepared`. */
export function evaluate(prepared: PreparedPolicy, ctx: PolicyContext): Decision {
  const ev: Evaluation = { prepared, ctx, findings: [], hits: [], masked: [], rewrites: new Map(), approvals: [] };
  for (const rule of RULE_ORDER) rule(ev);
  const outcome = outcomeOf(ev.findings);
  const decision: Decision = {
    id: decisionId(ctx.message.id, prepared.version, ctx.now),
    outcome,
    reasons:
      ev.findings.length === 0
        ? [{ code: 'policy.default_allow', rule: 'policy' }]
        : ev.findings.map((f) => (f.detail === undefined ? { code: f.code, rule: f.rule } : { code: f.code, rule: f.rule, detail: f.detail })),
    policyVersion: prepared.version,
    evaluatedAt: ctx.now,
    masked: ev.masked,
    hits: ev.hits,
    body: ev.rewrites.size === 0 ? ctx.message.body : withStrings(ctx.message.body, ev.rewrites),
  };
  if (outcome === 'hold') decision.approval = combineApprovals(ev.approvals, prepared.approval.fallback);
  if (outcome === 'deny') decision.deny = denyOf(ev.findings);
  return decision;
}

/** Deterministic decision id: the same message under the same policy at the same instant is the same decision. */
export function decisionId(messageId: string, policyVersion: string, evaluatedAt: number): string {
  return `dec_${canonicalHash({ messageId, policyVersion, evaluatedAt }).slice(0, 32)}`;
}
