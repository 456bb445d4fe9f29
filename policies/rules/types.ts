/** What rules produce while a message is evaluated; evaluate.ts folds it into a Decision. */
import type { DecisionHit, MaskedField, ReasonCode } from '../../connectors/canonical/decision';
import type { PolicyContext } from '../context';
import type { ApprovalTarget, PreparedPolicy } from '../prepare';

/** What a finding does to the outcome: allow and flag pass (recorded only), transform rewrites, hold and deny stop. A rule's configured gate action (allow|hold|deny) is used as its effect directly. */
export type Effect = 'allow' | 'flag' | 'transform' | 'hold' | 'deny';

/** Rank for `deny > hold > transform > allow` (flag counts as allow). */
export const EFFECT_RANK: Readonly<Record<Effect, number>> = { allow: 0, flag: 0, transform: 1, hold: 2, deny: 3 };

/** One rule that fired. */
export interface Finding {
  code: ReasonCode;
  rule: string;
  detail?: string;
  effect: Effect;
  /** The errcode a deny is answered with (the rule's configured one). */
  errcode?: number;
}

/** The accumulator every rule writes to, in evaluation order. */
export interface Evaluation {
  readonly prepared: PreparedPolicy;
  readonly ctx: PolicyContext;
  readonly findings: Finding[];
  readonly hits: DecisionHit[];
  readonly masked: MaskedField[];
  /** JSON Pointer → the new string at that path (masks, then disclaimers). */
  readonly rewrites: Map<string, string>;
  /** Approver groups rules asked for (FINRA, matched routes), in priority order. */
  readonly approvals: ApprovalTarget[];
}

/** A rule: reads the context, appends findings. Never throws for any well-typed context. */
export type Rule = (ev: Evaluation) => void;
