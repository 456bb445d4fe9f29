import path from 'node:path';
import fc from 'fast-check';
import type { OutboundMessage } from '../connectors/canonical/outbound-message';
import { UNKNOWN_BINDING, UNKNOWN_CONSENT, type PolicyContext } from './context';
import { unknownConsentSource } from './consent-source';
import { decisionId, evaluate } from './evaluate';
import { loadPolicyFile } from './load-policy';
import { contextNeeds, preparePolicy } from './prepare';

const prepared = preparePolicy(loadPolicyFile(path.join(__dirname, 'default-policy.yaml')).policy);
const NOW = Date.parse('2025-06-01T02:00:00Z');

function message(text: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'msg-1',
    kind: 'oa.custom',
    product: 'oa',
    accountId: 'retail-oa',
    appId: 'crm',
    msgtype: 'text',
    recipients: [{ type: 'openid', id: 'o-user' }],
    texts: [{ path: '/text/content', text }],
    body: { touser: 'o-user', msgtype: 'text', text: { content: text } },
    contentHash: 'c'.repeat(64),
    submittedAt: NOW,
    ...overrides,
  };
}

function context(msg: OutboundMessage, now = NOW): PolicyContext {
  return {
    message: msg,
    now,
    consent: UNKNOWN_CONSENT,
    binding: UNKNOWN_BINDING,
    window: { recipients: { 'o-user': [{ trigger: 'message', at: now - 3_600_000, sentSince: 0 }] } },
    usage: { appSentToday: 0, appSentThisMinute: 0, sameContentRetailRecipients: 0 },
    requester: { appId: 'crm' },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe('evaluate', () => {
  const risky = '稳赚！身份证440301199003071230，电话13800138000，邮件 zhang.san@bank.example';

  it('gives the same decision for the same context, with a deterministic id', () => {
    const a = evaluate(prepared, context(message(risky)));
    const b = evaluate(prepared, context(message(risky)));
    expect(a).toEqual(b);
    expect(a.id).toBe(decisionId('msg-1', prepared.version, NOW));
    expect(a.id).toMatch(/^dec_[0-9a-f]{32}$/);
    expect(evaluate(prepared, context(message(risky), NOW + 1)).id).not.toBe(a.id);
    expect(a).toMatchObject({ policyVersion: prepared.version, evaluatedAt: NOW });
  });

  it('reads no clock and no randomness, and never modifies its context', () => {
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('the engine read the clock');
    });
    const random = jest.spyOn(Math, 'random').mockImplementation(() => {
      throw new Error('the engine used randomness');
    });
    try {
      const ctx = deepFreeze(context(message(`内部消息 ${risky}`, { kind: 'oa.mass' })));
      const decision = evaluate(prepared, ctx);
      expect(decision.outcome).toBe('deny');
      expect(ctx.message.body).toEqual({ touser: 'o-user', msgtype: 'text', text: { content: `内部消息 ${risky}` } });
      expect(decision.body).not.toBe(ctx.message.body);
    } finally {
      clock.mockRestore();
      random.mockRestore();
    }
  });

  it('keeps message text and personal data out of reasons, hits and the deny answer', () => {
    const secrets = fc.constantFrom('440301199003071230', '13800138000', 'zhang.san@bank.example', '4111111111111111', '稳赚', '内部消息');
    fc.assert(
      fc.property(fc.array(secrets, { minLength: 1, maxLength: 4 }), fc.string({ maxLength: 20 }), (planted, filler) => {
        const text = `${filler}${planted.join(' ')}${filler}`;
        const decision = evaluate(prepared, context(message(text)));
        const explained = JSON.stringify({ reasons: decision.reasons, hits: decision.hits, masked: decision.masked, deny: decision.deny, approval: decision.approval });
        for (const secret of planted) expect(explained).not.toContain(secret);
        expect(decision.reasons.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('answers a default allow with one reason and the body unchanged', () => {
    const msg = message('您好');
    const decision = evaluate(prepared, context(msg));
    expect(decision).toMatchObject({ outcome: 'allow', reasons: [{ code: 'policy.default_allow', rule: 'policy' }], masked: [], hits: [] });
    expect(decision.body).toBe(msg.body);
    expect(decision.approval).toBeUndefined();
    expect(decision.deny).toBeUndefined();
  });
});

describe('consent source stub', () => {
  it('answers unknown for everyone, which the default policy holds for marketing', async () => {
    const msg = message('新品发布', { kind: 'oa.mass' });
    const consent = await unknownConsentSource.consentFor(msg, contextNeeds(prepared, msg).consentPurposes);
    const decision = evaluate(prepared, { ...context(msg), consent });
    expect(decision.outcome).toBe('hold');
    expect(decision.reasons).toContainEqual({ code: 'consent.unknown', rule: 'marketing-consent', detail: 'marketing 1 of 1' });
  });
});

describe('prepared policy accessors', () => {
  it('tells the gateway what to look up and count for a message', () => {
    expect(contextNeeds(prepared, message('x', { kind: 'oa.mass' }))).toEqual({
      consentPurposes: ['marketing', 'processing'],
      binding: false,
      window: false,
      quota: expect.objectContaining({ id: 'app-default-quota', perDay: 200000, perMinute: 3000 }),
      finra: true,
    });
    expect(contextNeeds(prepared, message('x', { kind: 'oa.custom' }))).toMatchObject({ consentPurposes: ['processing'], binding: false, window: true, finra: true });
    expect(contextNeeds(prepared, message('x', { kind: 'oa.template' }))).toMatchObject({ binding: true, window: false });
    expect(contextNeeds(prepared, message('x', { kind: 'wecom.app' }))).toMatchObject({ consentPurposes: ['processing'], binding: false, window: false, finra: false });
  });

  it('matches the first quota whose apps and kinds fit', () => {
    expect(prepared.quotas.match('marketing', 'oa.mass')?.id).toBe('marketing-app-quota');
    expect(prepared.quotas.match('marketing', 'oa.custom')?.id).toBe('app-default-quota');
    expect(prepared.quotas.match('crm', 'oa.mass')?.id).toBe('app-default-quota');
  });

  it('exposes the FINRA window and the customer-service window table', () => {
    expect(prepared.finra).toMatchObject({ id: 'finra-2210', windowDays: 30, threshold: 25 });
    expect(prepared.finra?.kinds.has('wecom.app')).toBe(false);
    expect(prepared.window?.kinds.has('oa.custom')).toBe(true);
    expect(prepared.window?.kinds.has('oa.reply')).toBe(false);
  });
});
