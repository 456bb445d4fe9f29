/**
 * Canonical policy decision: what the policy engine returns for one
 * OutboundMessage and what is archived beside it. Reason codes are a closed,
 * registered set (docs/policy-reason-codes.md lists the same set; a test keeps
 * them identical): they are stored with every archived message and matched by
 * approval routes, so a code is never reused or renamed.
 *
 * Nothing here may carry message text or PII: `detail` and `errmsg` name
 * rules, term ids, categories, detectors, JSON Pointers and counts only.
 */

/** Every reason code the engine can emit, with what it means. */
export const REASON_CODES = {
  'policy.default_allow': 'No rule objected or transformed: the message is sent as submitted',
  'consent.missing': 'A recipient has no consent record for a purpose the message kind requires',
  'consent.withdrawn': 'A recipient withdrew consent for a purpose the message kind requires',
  'consent.stale': 'A recipient consented under an earlier notice text, and the rule asks again when the notice changes',
  'consent.unknown': 'Consent for a required purpose could not be determined (no consent source answered)',
  'binding.absent': 'A recipient is not bound to a bank customer, and the message kind requires a binding',
  'binding.unknown': 'Whether a recipient is bound could not be determined',
  'window.expired': 'No open customer-service window for a recipient (Tencent 45015): refused before calling Tencent',
  'window.quota_exhausted': 'The open customer-service window has no messages left (Tencent 45047)',
  'window.unknown': 'The gateway supplied no window state for a windowed message kind',
  'lexicon.blocked': 'The text contains a lexicon term whose action is deny',
  'lexicon.held': 'The text contains a lexicon term whose action is hold (needs approval)',
  'lexicon.flagged': 'The text contains a lexicon term whose action is flag (sent, marked for supervision)',
  'pii.blocked': 'The text contains personal data a detector is set to deny',
  'pii.held': 'The text contains personal data a detector is set to hold (needs approval)',
  'pii.detected': 'The text contains personal data a detector is set to flag (sent, marked for supervision)',
  'pii.masked': 'Personal data was masked in the body before sending',
  'quota.app_exceeded': 'The submitting app exceeded its per-day or per-minute quota (Tencent 45009)',
  'finra2210.threshold': 'The same content would reach more than the retail threshold of recipients within the FINRA 2210 window: principal approval',
  'approval.required': 'An approval route matched: the message is held for the route\'s approver group',
  'transform.disclaimer': 'A disclaimer was appended to the body',
  'transform.failed': 'A transform could not be applied because a text path does not resolve to a string in the body',
} as const;

export type ReasonCode = keyof typeof REASON_CODES;

/** True when `code` is a registered reason code. */
export function isReasonCode(code: string): code is ReasonCode {
  return Object.hasOwn(REASON_CODES, code);
}

/** deny > hold > transform > allow: the strongest effect of any rule wins. */
export const DECISION_OUTCOMES = ['allow', 'transform', 'hold', 'deny'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** One rule that fired. `rule` is the rule's id in the policy file. */
export interface DecisionReason {
  code: ReasonCode;
  rule: string;
  /** Term ids, categories, detectors, paths, counts; never text or PII. */
  detail?: string;
}

/** The PII detectors; also the `detector` of a masked field. */
export const PII_DETECTORS = ['prcResidentId', 'bankCard', 'mobile', 'email'] as const;
export type PiiDetector = (typeof PII_DETECTORS)[number];

/** One text whose PII was masked in `Decision.body`. */
export interface MaskedField {
  /** JSON Pointer of the string in the body. */
  path: string;
  detector: PiiDetector;
  count: number;
}

/** A lexicon term or PII detector that matched, for supervision statistics. */
export interface DecisionHit {
  rule: string;
  source: 'lexicon' | 'pii';
  /** Term id (lexicon) or detector (pii). */
  id: string;
  /** Term category (lexicon only). */
  category?: string;
  path: string;
  count: number;
}

/** Who must approve a held message. */
export interface ApprovalRequirement {
  group: string;
  /** Distinct approvers needed (four-eyes: 2). */
  requiredApprovals: 1 | 2;
  /** The hold expires (and the message is not sent) after this long. */
  ttlMs: number;
  /** The route (or rule) id that chose this requirement. */
  route: string;
}

/** The Tencent-style error a denied message is answered with. */
export interface DecisionDeny {
  errcode: number;
  /** Names the reason code and rule, e.g. `policy denied: lexicon.blocked (rule content-guard)`. */
  errmsg: string;
}

export interface Decision {
  /** Deterministic: hash of message id, policy version and evaluatedAt. */
  id: string;
  outcome: DecisionOutcome;
  /** Every rule that fired, in evaluation order; never empty. */
  reasons: DecisionReason[];
  /** sha256 hex of the canonical JSON of the policy. */
  policyVersion: string;
  /** Epoch ms: the `now` the engine was given. */
  evaluatedAt: number;
  masked: MaskedField[];
  hits: DecisionHit[];
  /** The body to send, after transforms (the submitted body when none applied). */
  body: Record<string, unknown>;
  /** Present when outcome is hold. */
  approval?: ApprovalRequirement;
  /** Present when outcome is deny. */
  deny?: DecisionDeny;
}
