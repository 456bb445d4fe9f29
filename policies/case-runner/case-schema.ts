/**
 * The data-driven case file format (policies/cases/*.yaml), run by jest
 * (policies/cases.test.ts) and by `cgw policies test FILE...`:
 *
 *   policy: ../default-policy.yaml      # relative to the case file, or an inline policy mapping;
 *                                       # a case may name its own `policy` the same way
 *   defaults: { now, message, consent, binding, window, usage, requester }   # under every case
 *   cases:
 *     - name: denies a guaranteed return
 *       message: { kind: oa.custom, text: 保本理财 }
 *       expect: { outcome: deny, reasons: [lexicon.blocked], deny: { errcode: 87014 } }
 *
 * Shorthands (case-context.ts): `message.text` builds a text message;
 * `recipients: 3` makes o-1…o-3; view keys `*` mean every recipient;
 * times are ISO strings, epoch ms, or offsets from `now` such as `-47h`;
 * `window: unknown` supplies no window state. Expectations are exact:
 * `reasons` must list every reason (any order), `masked` every masked
 * field; `body`/`text` compare the decision body; omitted keys are not checked.
 */
import { z } from 'zod';
import { DECISION_OUTCOMES, PII_DETECTORS, REASON_CODES, type ReasonCode } from '../../connectors/canonical/decision';
import { OUTBOUND_KINDS, type OutboundKind } from '../../connectors/canonical/outbound-message';
import { CONSENT_PURPOSES, WINDOW_TRIGGERS } from '../schema';

const reasonCode = z.enum(Object.keys(REASON_CODES) as [ReasonCode, ...ReasonCode[]]);
/** ISO date-time, epoch ms, or an offset from the case's `now` (`-47h`, `+30s`). */
export const caseTime = z.union([z.number().int(), z.string().regex(/^[+-]\d+(ms|s|m|h|d)$/), z.iso.datetime({ offset: true })]);

const recipient = z.union([z.string().min(1), z.strictObject({ type: z.enum(['openid', 'userid', 'party', 'tag', 'oa_tag', 'external_userid', 'chat', 'all', 'welcome_code']), id: z.string() })]);

const message = z.strictObject({
  id: z.string().optional(),
  kind: z.enum(Object.keys(OUTBOUND_KINDS) as [OutboundKind, ...OutboundKind[]]).optional(),
  accountId: z.string().optional(),
  appId: z.string().optional(),
  msgtype: z.string().optional(),
  recipients: z.union([z.number().int().min(1).max(100_000), z.array(recipient).min(1)]).optional(),
  text: z.string().optional(),
  texts: z.array(z.strictObject({ path: z.string(), text: z.string() })).optional(),
  body: z.record(z.string(), z.unknown()).optional(),
  contentHash: z.string().optional(),
});

const windowAction = z.strictObject({ trigger: z.enum(WINDOW_TRIGGERS), at: caseTime, sentSince: z.number().int().min(0).default(0) });

const context = {
  now: caseTime.optional(),
  message: message.optional(),
  consent: z.record(z.string(), z.partialRecord(z.enum(CONSENT_PURPOSES), z.enum(['granted', 'withdrawn', 'missing', 'stale', 'unknown']))).optional(),
  binding: z.record(z.string(), z.enum(['bound', 'unbound', 'unknown'])).optional(),
  window: z.union([z.literal('unknown'), z.record(z.string(), z.array(windowAction))]).optional(),
  usage: z.strictObject({ appSentToday: z.number().int().min(0).optional(), appSentThisMinute: z.number().int().min(0).optional(), sameContentRetailRecipients: z.number().int().min(0).optional() }).optional(),
  requester: z.strictObject({ ownerGroup: z.string().optional() }).optional(),
};

const expectation = z.strictObject({
  outcome: z.enum(DECISION_OUTCOMES),
  reasons: z.array(z.union([reasonCode, z.strictObject({ code: reasonCode, rule: z.string().optional(), detail: z.string().optional() })])).min(1),
  masked: z.array(z.strictObject({ path: z.string(), detector: z.enum(PII_DETECTORS), count: z.number().int().min(1) })).optional(),
  hits: z.array(z.strictObject({ source: z.enum(['lexicon', 'pii']), id: z.string(), path: z.string().optional(), count: z.number().int().optional() })).optional(),
  body: z.record(z.string(), z.unknown()).optional(),
  /** The first text's string in the decision body. */
  text: z.string().optional(),
  deny: z.strictObject({ errcode: z.number().int().optional(), errmsg: z.string().optional() }).optional(),
  approval: z.strictObject({ group: z.string().optional(), requiredApprovals: z.union([z.literal(1), z.literal(2)]).optional(), ttl: z.string().optional(), route: z.string().optional() }).optional(),
});

export const policyRef = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

const caseEntry = z.strictObject({ name: z.string().min(1), policy: policyRef.optional(), ...context, expect: expectation });

export const caseFileSchema = z.strictObject({
  policy: policyRef.optional(),
  defaults: z.strictObject(context).optional(),
  cases: z.array(caseEntry).min(1),
});

export type CaseFile = z.infer<typeof caseFileSchema>;
export type CaseEntry = CaseFile['cases'][number];
export type CaseDefaults = NonNullable<CaseFile['defaults']>;
export type CaseExpectation = CaseEntry['expect'];
export type CaseTime = z.infer<typeof caseTime>;
export type PolicyRef = z.infer<typeof policyRef>;
