/**
 * The policy file schema (YAML, validated with zod). Every rule section is
 * optional: a section that is absent means the rule is off, so a policy says
 * explicitly what it enforces. Inside a section, fields have defaults taken
 * from Tencent's documented limits (shared/reference) or the bank's usual
 * practice. Durations are written `90s`, `1m`, `48h`, `30d` and stored as ms,
 * so `48h` and `2d` are the same policy (and the same version).
 */
import { z } from 'zod';
import { OUTBOUND_KINDS, type OutboundKind } from '../connectors/canonical/outbound-message';
import { PII_DETECTORS, REASON_CODES, type ReasonCode } from '../connectors/canonical/decision';
import { MSGAUDIT_MESSAGE_TYPES } from '../connectors/canonical/msgaudit-event';

/** The policy file format this engine reads (part of the hashed policy). */
export const POLICY_FORMAT = 1;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `48h` → 172800000. */
export function parseDuration(text: string): number {
  const m = /^(\d{1,9})(ms|s|m|h|d)$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

const duration = z
  .string()
  .regex(/^\d{1,9}(ms|s|m|h|d)$/, 'a duration such as 90s, 1m, 48h or 30d')
  .transform(parseDuration)
  .refine((ms) => ms > 0 && Number.isSafeInteger(ms), 'must be positive');

const ruleId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, dots, dashes, underscores');
const kindNames = Object.keys(OUTBOUND_KINDS) as [OutboundKind, ...OutboundKind[]];
/** A list of message kinds; `*` means every kind, including kinds added later. */
const kinds = z.array(z.enum([...kindNames, '*'])).min(1);
const errcode = z.number().int().min(-1).max(9_999_999);
/** What a rule does when its check fails (allow = let it pass, still recorded as a reason). */
const gateAction = z.enum(['allow', 'hold', 'deny']);

/**
 * PIPL purposes a person consents to separately. `processing` is consent to
 * processing at all: withdrawn, the person is retained for legal obligation
 * only (regulated records kept, excluded from everything else).
 */
export const CONSENT_PURPOSES = ['archiving', 'marketing', 'cross_border', 'sensitive', 'processing'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/** A consent rule's action; `ignore` lets the message pass without recording a reason (a rule that only ever denies, such as the processing restriction). */
const consentAction = z.enum(['allow', 'hold', 'deny', 'ignore']);
const consentRule = z.strictObject({
  id: ruleId,
  kinds,
  purposes: z.array(z.enum(CONSENT_PURPOSES)).min(1),
  onMissing: consentAction.default('deny'),
  onWithdrawn: gateAction.default('deny'),
  /** Granted, but under a notice version that is no longer current: `allow` keeps the old consent, `hold`/`deny` asks again. */
  onStale: consentAction.default('allow'),
  /** What "the consent source could not say" means for this rule. */
  onUnknown: consentAction.default('hold'),
  errcode: errcode.default(43101),
});

const bindingRule = z.strictObject({
  id: ruleId,
  kinds,
  onAbsent: gateAction.default('deny'),
  onUnknown: gateAction.default('allow'),
  errcode: errcode.default(43101),
});

export const WINDOW_TRIGGERS = ['message', 'menu_click', 'subscribe', 'qr_scan', 'payment'] as const;
export type WindowTrigger = (typeof WINDOW_TRIGGERS)[number];

const windowEntry = z.strictObject({
  validity: duration,
  /** Customer-service messages per window; `unlimited` for payment. */
  quota: z.union([z.number().int().min(1).max(1_000_000), z.literal('unlimited')]),
});

// Tencent's current table (wechat-oa.md §5.1): a user message opens 48 h / 5, a menu
// click, follow or QR scan 1 min / 3, a payment 48 h / unlimited.
const windowRule = z.strictObject({
  id: ruleId.default('cs-window'),
  kinds: kinds.default(['oa.custom']),
  /** No window state supplied for a windowed kind: let Tencent decide (allow), or hold/deny. */
  onUnknown: gateAction.default('allow'),
  errcodes: z.strictObject({ expired: errcode.default(45015), quotaExhausted: errcode.default(45047) }).prefault({}),
  triggers: z
    .strictObject({
      message: windowEntry.default({ validity: 48 * UNIT_MS.h, quota: 5 }),
      menu_click: windowEntry.default({ validity: UNIT_MS.m, quota: 3 }),
      subscribe: windowEntry.default({ validity: UNIT_MS.m, quota: 3 }),
      qr_scan: windowEntry.default({ validity: UNIT_MS.m, quota: 3 }),
      payment: windowEntry.default({ validity: 48 * UNIT_MS.h, quota: 'unlimited' }),
    })
    .prefault({}),
});

const termCategory = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, dashes, underscores');

const lexiconTerm = z.strictObject({
  id: ruleId,
  text: z.string().min(1).max(200),
  category: termCategory,
  action: z.enum(['deny', 'hold', 'flag']),
  /** Phrases that contain the term but are fine (`不保本` for `保本`): a hit inside one is ignored. */
  except: z.array(z.string().min(1).max(200)).default([]),
  /** Latin letters or digits at either end of the term must sit at a word boundary of the text; false for stems (`guarant`). */
  wholeWord: z.boolean().default(true),
});

const lexiconRule = z.strictObject({
  id: ruleId,
  kinds: kinds.default(['*']),
  errcode: errcode.default(87014),
  terms: z.array(lexiconTerm).min(1).max(20_000),
});

const piiAction = z.enum(['off', 'flag', 'mask', 'hold', 'deny']);
const piiRule = z.strictObject({
  id: ruleId.default('pii-guard'),
  kinds: kinds.default(['*']),
  errcode: errcode.default(87014),
  detectors: z
    .strictObject({
      prcResidentId: piiAction.default('mask'),
      bankCard: piiAction.default('mask'),
      mobile: piiAction.default('flag'),
      email: piiAction.default('flag'),
    })
    .prefault({}),
});

const quotaRule = z.strictObject({
  id: ruleId,
  /** App ids, or `*` for every app. */
  apps: z.array(z.string().min(1)).min(1),
  kinds: kinds.default(['*']),
  perDay: z.number().int().min(1).optional(),
  perMinute: z.number().int().min(1).optional(),
  errcode: errcode.default(45009),
});

const approvalTarget = {
  group: z.string().min(1).max(100),
  /** Distinct approvers (2 = four eyes). */
  requiredApprovals: z.union([z.literal(1), z.literal(2)]).default(1),
  ttl: duration.default(24 * UNIT_MS.h),
};

const finraRule = z.strictObject({
  id: ruleId.default('finra-2210'),
  /** Kinds that reach retail investors. */
  kinds: kinds.default(['oa.custom', 'oa.template', 'oa.subscribe', 'oa.mass', 'wecom.customer_mass']),
  /** More than this many distinct retail recipients of the same content ⇒ principal approval. */
  threshold: z.number().int().min(1).default(25),
  windowDays: z.number().int().min(1).max(366).default(30),
  approval: z.strictObject({ ...approvalTarget, group: approvalTarget.group.default('principals'), ttl: duration.default(72 * UNIT_MS.h) }).prefault({}),
});

/** Reason codes a route may match: those rules emit (not the routing's own, nor the default). */
export const ROUTABLE_REASON_CODES = (Object.keys(REASON_CODES) as ReasonCode[]).filter((c) => c !== 'approval.required' && c !== 'policy.default_allow') as [ReasonCode, ...ReasonCode[]];

const approvalRoute = z.strictObject({
  id: ruleId,
  /** Every condition given must hold; a list matches any of its entries. */
  when: z.strictObject({
    kinds: kinds.optional(),
    apps: z.array(z.string().min(1)).min(1).optional(),
    ownerGroups: z.array(z.string().min(1)).min(1).optional(),
    accounts: z.array(z.string().min(1)).min(1).optional(),
    msgtypes: z.array(z.string().min(1)).min(1).optional(),
    reasons: z.array(z.enum(ROUTABLE_REASON_CODES)).min(1).optional(),
    minRecipients: z.number().int().min(1).optional(),
  }),
  ...approvalTarget,
});

const approvalSection = z.strictObject({
  /** Who approves a message a rule held when no route matched. */
  default: z.strictObject({ ...approvalTarget, group: approvalTarget.group.default('compliance') }).prefault({}),
  routes: z.array(approvalRoute).default([]),
});

const disclaimer = z.strictObject({
  id: ruleId,
  kinds: kinds.default(['*']),
  msgtypes: z.array(z.string().min(1)).min(1).default(['*']),
  /** JSON Pointer of the string the text is appended to; a body without it is left alone. */
  path: z.string().regex(/^(\/([^~]|~[01])*)+$/, 'a JSON Pointer such as /text/content'),
  text: z.string().min(1).max(1000),
  separator: z.string().max(10).default('\n'),
});

/** Alert severities, lowest first (the compliance alert queue's). */
export const SUPERVISION_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type SupervisionSeverity = (typeof SUPERVISION_SEVERITIES)[number];
/**
 * Who sent a captured message: `rm` a member of the corp (a relationship
 * manager, an employee), `customer` an external contact. Robots and system
 * records are neither and are never supervised.
 */
export const SUPERVISION_SENDERS = ['rm', 'customer'] as const;
export type SupervisionSender = (typeof SUPERVISION_SENDERS)[number];

const severity = z.enum(SUPERVISION_SEVERITIES);
const senders = z.array(z.enum(SUPERVISION_SENDERS)).min(1);
/** Captured (chat-archive) msgtypes, as WeCom names them; `*` = every type that carries text. */
const capturedMsgtypes = z.array(z.enum([...MSGAUDIT_MESSAGE_TYPES, '*'])).min(1);

// Supervision reuses the outbound lexicons (by id) and the PII detectors; it adds scope and severity.
const supervisionLexiconRule = z.strictObject({
  id: ruleId,
  /** Ids of lexicons in `lexicons` whose terms this rule looks for (their outbound `kinds` do not matter here). */
  lexicons: z.array(ruleId).min(1),
  /** Only terms of these categories count; every category when absent. */
  categories: z.array(termCategory).min(1).optional(),
  /** Only terms with these outbound actions count; every action when absent. */
  actions: z.array(z.enum(['deny', 'hold', 'flag'])).min(1).optional(),
  severity,
  /** Overrides the section's `senders` / `msgtypes` for this rule. */
  senders: senders.optional(),
  msgtypes: capturedMsgtypes.optional(),
});

const supervisionPiiRule = z.strictObject({
  id: ruleId,
  detectors: z.array(z.enum(PII_DETECTORS)).min(1),
  severity,
  /** Matches (of these detectors, in one message) below this raise nothing: a phone number in a signature is not a finding. */
  minCount: z.number().int().min(1).max(1000).default(1),
  senders: senders.optional(),
  msgtypes: capturedMsgtypes.optional(),
});

/**
 * Post-send supervision of captured chat-archive messages (RM ↔ customer on
 * WeCom): which lexicons and PII detectors run on them, for whose messages,
 * and how severe a finding is. Findings open compliance alerts for review.
 */
const supervisionSection = z.strictObject({
  /** Whose messages the rules look at unless a rule says otherwise. */
  senders: senders.default(['rm']),
  msgtypes: capturedMsgtypes.default(['*']),
  lexicons: z.array(supervisionLexiconRule).default([]),
  pii: z.array(supervisionPiiRule).default([]),
  /** A recalled message that had findings raises a recall alert: `inherit` takes the recalled message's alert severity. */
  recall: z.strictObject({ severity: z.enum(['inherit', ...SUPERVISION_SEVERITIES]).default('inherit') }).prefault({}),
});

export const policySchema = z.strictObject({
  format: z.literal(POLICY_FORMAT),
  name: z.string().min(1).max(100),
  description: z.string().max(2000).optional(),
  consent: z.array(consentRule).default([]),
  binding: z.array(bindingRule).default([]),
  window: windowRule.optional(),
  quotas: z.array(quotaRule).default([]),
  lexicons: z.array(lexiconRule).default([]),
  pii: piiRule.optional(),
  finra2210: finraRule.optional(),
  approval: approvalSection.prefault({}),
  disclaimers: z.array(disclaimer).default([]),
  supervision: supervisionSection.optional(),
});

export type Policy = z.infer<typeof policySchema>;
export type ConsentRule = Policy['consent'][number];
export type BindingRule = Policy['binding'][number];
export type WindowRule = NonNullable<Policy['window']>;
export type QuotaRule = Policy['quotas'][number];
export type LexiconRule = Policy['lexicons'][number];
export type LexiconTerm = LexiconRule['terms'][number];
export type PiiRule = NonNullable<Policy['pii']>;
export type PiiAction = z.infer<typeof piiAction>;
export type FinraRule = NonNullable<Policy['finra2210']>;
export type ApprovalRoute = Policy['approval']['routes'][number];
export type Disclaimer = Policy['disclaimers'][number];
export type GateAction = z.infer<typeof gateAction>;
export type KindSelector = Policy['consent'][number]['kinds'];
export type SupervisionPolicy = NonNullable<Policy['supervision']>;
export type SupervisionLexiconRule = SupervisionPolicy['lexicons'][number];
export type SupervisionPiiRule = SupervisionPolicy['pii'][number];
