/**
 * Folding findings into the decision's outcome, deny answer and approval
 * requirement.
 *
 * Outcome: deny > hold > transform > allow, the strongest effect of any
 * finding (flag and allow findings are recorded, never enforced).
 *
 * Deny answer: the first deny finding in evaluation order (quota, window,
 * binding, consent, lexicon, PII) gives the errcode and is named in errmsg,
 * because the app's SDK shows errmsg to its developers.
 *
 * Approval: several requirements (FINRA's principals first, then matching
 * routes in file order) combine to the strictest on every axis: the most
 * approvals any of them asks, the shortest TTL, and the group of the first
 * one (so FINRA's principals approve whenever FINRA fired; otherwise put the
 * more specific route first in the file). A hold with no requirement (a
 * lexicon, PII or consent hold that no route matched) goes to the default.
 */
import type { ApprovalRequirement, DecisionDeny, DecisionOutcome } from '../connectors/canonical/decision';
import type { ApprovalTarget } from './prepare';
import { EFFECT_RANK, type Finding } from './rules/types';

const OUTCOME_BY_RANK: readonly DecisionOutcome[] = ['allow', 'transform', 'hold', 'deny'];

/** The outcome the findings add up to. */
export function outcomeOf(findings: readonly Finding[]): DecisionOutcome {
  let rank = 0;
  for (const f of findings) rank = Math.max(rank, EFFECT_RANK[f.effect]);
  return OUTCOME_BY_RANK[rank]!;
}

/** The Tencent-style answer for a denied message. */
export function denyOf(findings: readonly Finding[]): DecisionDeny {
  const first = findings.find((f) => f.effect === 'deny')!;
  return { errcode: first.errcode ?? 87014, errmsg: `policy denied: ${first.code} (rule ${first.rule})` };
}

/** The strictest combination of the approval requirements, or the fallback when there are none. */
export function combineApprovals(targets: readonly ApprovalTarget[], fallback: ApprovalTarget): ApprovalRequirement {
  const chosen = targets[0] ?? fallback;
  let requiredApprovals = chosen.requiredApprovals;
  let ttlMs = chosen.ttlMs;
  for (const t of targets) {
    if (t.requiredApprovals > requiredApprovals) requiredApprovals = t.requiredApprovals;
    if (t.ttlMs < ttlMs) ttlMs = t.ttlMs;
  }
  return { group: chosen.group, requiredApprovals, ttlMs, route: chosen.id };
}
