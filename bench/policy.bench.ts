/**
 * Policy decisions per second on one core (target ≥ 50,000/s): the default
 * policy's rules with its lexicon grown to 500 terms (CJK and English,
 * deny/hold/flag, a few with exceptions), evaluated over a realistic mix of
 * messages: short service replies, long CJK marketing texts, English
 * texts, some with lexicon hits, some with PII, some mass sends with
 * disclaimers and routes. Single-threaded by construction (evaluate is
 * synchronous), so the figure is per core.
 *
 *   tsx bench/policy.bench.ts [--seconds 5]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { OutboundKind, OutboundMessage } from '../connectors/canonical/outbound-message';
import type { PolicyContext } from '../policies/context';
import { evaluate } from '../policies/evaluate';
import { validatePolicy } from '../policies/load-policy';
import { preparePolicy } from '../policies/prepare';

export interface PolicyBenchResult {
  terms: number;
  distinctMessages: number;
  decisions: number;
  seconds: number;
  decisionsPerSecond: number;
  microsPerDecision: number;
  prepareMs: number;
  /** Share of each outcome in the mix (sanity: the mix exercises every path). */
  outcomes: Record<string, number>;
}

// Deterministic pseudo-random numbers (mulberry32) so every run measures the same mix.
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CJK_HEADS = ['保证', '承诺', '稳定', '高额', '无忧', '内幕', '独家', '限时', '私下', '超额', '确定', '零息', '翻倍', '秒杀', '专享', '特供', '隐秘', '暴涨', '稳健', '必赚'];
const CJK_TAILS = ['收益', '回报', '利息', '返现', '理财', '基金', '股票', '消息', '转账', '渠道', '额度', '分红', '套利', '红包', '贷款', '配资', '期货', '外汇', '黄金', '名额'];
const EN_HEADS = ['guaranteed', 'secret', 'exclusive', 'risk-free', 'instant', 'insider', 'sure', 'double', 'tax-free', 'hidden', 'limited', 'private', 'offshore', 'unlimited', 'fixed'];
const EN_TAILS = ['profit', 'yield', 'income', 'deal', 'tip', 'bonus', 'rebate', 'transfer', 'account', 'return', 'payout', 'gains', 'loan', 'shares', 'offer'];
const CATEGORIES = ['guarantee', 'insider', 'pressure', 'off-channel', 'inducement', 'crypto', 'conduct'];
const ACTIONS = ['deny', 'hold', 'flag', 'flag'] as const;

/** The default policy with its lexicon grown to `size` terms. */
export function benchPolicyTree(size = 500): Record<string, unknown> {
  const tree = parse(readFileSync(path.join(__dirname, '..', 'policies', 'default-policy.yaml'), 'utf8')) as { lexicons: { terms: Record<string, unknown>[] }[] };
  const terms = tree.lexicons[0]!.terms;
  const seen = new Set(terms.map((t) => String(t.text)));
  const random = rng(500);
  for (let i = 0; terms.length < size; i++) {
    const cjk = random() < 0.6;
    const text = cjk ? pick(random, CJK_HEADS) + pick(random, CJK_TAILS) : `${pick(random, EN_HEADS)} ${pick(random, EN_TAILS)}`;
    if (seen.has(text)) continue;
    seen.add(text);
    terms.push({ id: `gen-${i}`, text, category: pick(random, CATEGORIES), action: pick(random, ACTIONS), ...(cjk && random() < 0.05 ? { except: [`不${text}`] } : {}) });
  }
  return tree;
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

const SERVICE = ['您好，您的信用卡账单已出，本期应还款金额请登录手机银行查看。', '感谢您的咨询，客户经理将在一个工作日内与您联系。', '您预约的网点业务已受理，请携带有效证件按时到店办理。', '您好，转账已到账，如有疑问请回复本消息。'];
const MARKETING = '尊敬的客户：六月理财节正式开启，本行精选多款稳健型理财产品，期限灵活，起购金额低至一万元。产品过往业绩不代表未来表现，具体以产品说明书为准。活动期间通过手机银行购买可享受申购费率优惠，详情请咨询您的专属客户经理或拨打客服热线。';
const ENGLISH = 'Dear client, our quarterly market outlook is now available. Equity markets remained volatile while bond yields eased; please review your portfolio allocation with your relationship manager before making any investment decision.';

/** A realistic mix of contexts (fixed seed). */
export function benchContexts(count: number, now: number): PolicyContext[] {
  const random = rng(2210);
  const out: PolicyContext[] = [];
  for (let i = 0; i < count; i++) {
    const roll = random();
    let kind: OutboundKind = 'oa.custom';
    let text: string;
    if (roll < 0.4) text = pick(random, SERVICE);
    else if (roll < 0.6) {
      text = MARKETING.repeat(1 + Math.floor(random() * 3));
      kind = random() < 0.5 ? 'oa.mass' : 'oa.custom';
    } else if (roll < 0.75) text = ENGLISH;
    else if (roll < 0.9) text = `${pick(random, SERVICE)}${pick(random, ['保本', '穩 賺', 'ＧＵＡＲＡＮＴＥＥＤ', '内部消息', '投诉', 'insider tip', '不保本'])}${pick(random, CJK_HEADS)}${pick(random, CJK_TAILS)}`;
    else text = `${pick(random, SERVICE)}联系电话13800138000，身份证440301199003071230，卡号6222 0212 3456 7890 12。`;
    out.push(context(`bench-${i}`, kind, text, now));
  }
  return out;
}

function context(id: string, kind: OutboundKind, text: string, now: number): PolicyContext {
  const recipients = kind === 'oa.mass' ? Array.from({ length: 20 }, (_, i) => ({ type: 'openid' as const, id: `o-${i}` })) : [{ type: 'openid' as const, id: 'o-user' }];
  const message: OutboundMessage = {
    id, kind, product: 'oa', accountId: 'retail-oa', appId: 'crm', msgtype: 'text', recipients,
    texts: [{ path: '/text/content', text }],
    body: { touser: recipients[0]!.id, msgtype: 'text', text: { content: text } },
    contentHash: 'c'.repeat(64), submittedAt: now,
  };
  return {
    message, now,
    consent: { recipients: Object.fromEntries(recipients.map((r) => [r.id, { marketing: 'granted' as const }])) },
    binding: { recipients: {} },
    window: { recipients: { 'o-user': [{ trigger: 'message', at: now - 3_600_000, sentSince: 1 }] } },
    usage: { appSentToday: 100, appSentThisMinute: 3, sameContentRetailRecipients: 0 },
    requester: { appId: 'crm' },
  };
}

/** Measure decisions per second over `seconds` (after a one-second warm-up). */
export function benchPolicy(options: { seconds?: number; terms?: number; log?: (line: string) => void } = {}): PolicyBenchResult {
  const seconds = options.seconds ?? 5;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = performance.now();
  const loaded = validatePolicy(benchPolicyTree(options.terms ?? 500), 'bench policy');
  const prepared = preparePolicy(loaded.policy);
  const prepareMs = Math.round(performance.now() - started);
  const terms = loaded.policy.lexicons.reduce((n, l) => n + l.terms.length, 0);
  const contexts = benchContexts(2000, Date.parse('2025-06-01T02:00:00Z'));
  const outcomes: Record<string, number> = {};
  for (const c of contexts) {
    const o = evaluate(prepared, c).outcome;
    outcomes[o] = (outcomes[o] ?? 0) + 1;
  }
  log(`policy bench: ${terms} terms, prepared in ${prepareMs} ms; warming up`);
  const run = (ms: number): { decisions: number; elapsed: number } => {
    let decisions = 0;
    const begin = performance.now();
    let elapsed = 0;
    while (elapsed < ms) {
      for (const c of contexts) evaluate(prepared, c);
      decisions += contexts.length;
      elapsed = performance.now() - begin;
    }
    return { decisions, elapsed };
  };
  run(1000);
  const { decisions, elapsed } = run(seconds * 1000);
  const perSecond = Math.round((decisions * 1000) / elapsed);
  for (const k of Object.keys(outcomes)) outcomes[k] = Math.round((outcomes[k]! / contexts.length) * 1000) / 1000;
  return { terms, distinctMessages: contexts.length, decisions, seconds: Math.round(elapsed) / 1000, decisionsPerSecond: perSecond, microsPerDecision: Math.round((elapsed * 1000 * 100) / decisions) / 100, prepareMs, outcomes };
}

if (require.main === module) {
  const i = process.argv.indexOf('--seconds');
  console.log(benchPolicy({ seconds: i > 0 ? Number(process.argv[i + 1]) : 5 }));
}
