/**
 * Configuration of consent capture (PIPL notices, the consent page, the
 * withdrawal keyword) and of PII binding (the bank's login page and the key
 * its signed assertion is verified with). Notices are versioned by content:
 * a notice's version is the sha256 of its exact text in one language, so
 * editing the text is a new version (see notices.ts).
 */
import { z } from 'zod';
import { CONSENT_PURPOSES } from '../../policies/schema';

export const CONSENT_LANGUAGES = ['zh-CN', 'en'] as const;
export type ConsentLanguage = (typeof CONSENT_LANGUAGES)[number];

const localized = z.strictObject({ 'zh-CN': z.string().min(1).max(4000), en: z.string().min(1).max(4000) });

const notice = z.strictObject({
  purpose: z.enum(CONSENT_PURPOSES),
  /** Short heading of the choice on the consent page. */
  title: localized,
  /** The exact notice text the person agrees to; its sha256 is the notice version recorded with every choice. */
  text: localized,
});

/** The default notices: the four PIPL purposes a retail bank asks for separately. */
const DEFAULT_NOTICES: z.input<typeof notice>[] = [
  {
    purpose: 'archiving',
    title: { 'zh-CN': '会话存档', en: 'Conversation archiving' },
    text: {
      'zh-CN': '为履行金融监管义务，本行将加密保存您与本行公众号及客户经理之间的会话记录，保存期限以法律法规要求为准。',
      en: 'To meet our regulatory obligations, the bank keeps an encrypted record of your conversations with its Official Account and relationship managers for the period the law requires.',
    },
  },
  {
    purpose: 'marketing',
    title: { 'zh-CN': '营销信息', en: 'Marketing messages' },
    text: {
      'zh-CN': '本行可通过微信向您发送产品与活动信息。您可随时撤回此同意，不影响其他服务。',
      en: 'The bank may send you product and promotion messages on WeChat. You may withdraw this consent at any time without affecting other services.',
    },
  },
  {
    purpose: 'cross_border',
    title: { 'zh-CN': '个人信息出境', en: 'Cross-border transfer' },
    text: {
      'zh-CN': '为向您提供跨境服务，本行可能将您的必要个人信息提供给境外关联机构，接收方、目的与方式详见本行个人信息保护政策。',
      en: 'To serve you across borders, the bank may transfer the personal information required to affiliates outside mainland China; the recipients, purposes and means are set out in the bank\'s privacy policy.',
    },
  },
  {
    purpose: 'sensitive',
    title: { 'zh-CN': '敏感个人信息', en: 'Sensitive personal information' },
    text: {
      'zh-CN': '办理相关业务时，本行需处理您的金融账户等敏感个人信息，仅用于该业务并采取严格保护措施。',
      en: 'For the services concerned the bank processes sensitive personal information such as your financial accounts, only for those services and under strict protection.',
    },
  },
];

export const consentConfigSchema = z.strictObject({
  /** Whether the gateway asks for consent on OA follow and first contact (the ledger and enforcement work either way). */
  capture: z.boolean().default(true),
  /**
   * The gateway's public HTTPS origin as WeChat users reach it (the OA's
   * authorised web-authorization domain); consent and bind links and the
   * OAuth redirect_uri are built on it.
   */
  publicBaseUrl: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8080'),
  notices: z.array(notice).min(1).default(DEFAULT_NOTICES),
  /** Purposes asked about in the notice message sent on follow (the page offers every configured notice). */
  askOn: z.strictObject({
    subscribe: z.boolean().default(true),
    /** A user message from someone with no recorded choice for these purposes. */
    firstContact: z.boolean().default(true),
  }).prefault({}),
  /** The customer-service message carrying the link; `{link}` is replaced by the page URL. */
  noticeMessage: localized.default({
    'zh-CN': '感谢关注。根据《个人信息保护法》，请查看并选择您同意的个人信息处理事项，可随时撤回：{link}',
    en: 'Thank you for following us. Under PIPL, please review and choose how we may process your personal information; you may withdraw at any time: {link}',
  }),
  /** A user message that is exactly one of these (after trimming, case-insensitive) withdraws every purpose but archiving. */
  withdrawKeywords: z.array(z.string().min(1).max(32)).default(['撤回同意', '退订', 'TD', 'withdraw consent']),
  /** Lifetime of an OAuth `state` (single use). */
  oauthStateTtlSeconds: z.number().int().min(60).max(3600).default(600),
  /** Lifetime of the page session opened after OAuth. */
  pageSessionTtlSeconds: z.number().int().min(60).max(7200).default(900),
  /** How long a cached consent or binding answer may be served before re-reading (changes made through this gateway invalidate at once). */
  cacheTtlMs: z.number().int().min(0).max(3_600_000).default(60_000),
  /** How often other replicas' ledger changes are polled to invalidate the cache. */
  changePollMs: z.number().int().min(100).max(60_000).default(1000),
  /** WeCom archiving consent reconciliation (check_single_agree / check_room_agree). */
  wecomReconcileIntervalMs: z.number().int().min(10_000).default(6 * 3_600_000),
}).prefault({});

export const bindConfigSchema = z.strictObject({
  /** The bank's login page: the bind page sends the user there with ?state=…&redirect_uri=… after OAuth. Absent: bind pages are off. */
  loginUrl: z.url({ protocol: /^https?$/ }).optional(),
  assertion: z.strictObject({
    issuer: z.string().min(1),
    audience: z.string().min(1).default('cgw-bind'),
    /** SPKI PEM of the key the bank signs assertions with (or publicKeyPemFile via *_FILE). */
    publicKeyPem: z.string().min(1).optional(),
    /** Or the bank's JWKS endpoint. */
    jwksUrl: z.url({ protocol: /^https?$/ }).optional(),
    algorithms: z.array(z.enum(['RS256', 'PS256', 'ES256', 'EdDSA'])).min(1).default(['RS256', 'ES256']),
    /** The claim holding the customer id (CIF). */
    customerClaim: z.string().min(1).default('sub'),
    /** Oldest `iat` accepted, and the longest lifetime (exp - iat) accepted. */
    maxAgeSeconds: z.number().int().min(10).max(3600).default(300),
  }).optional(),
}).superRefine((bind, ctx) => {
  if (bind.loginUrl && !bind.assertion) ctx.addIssue({ code: 'custom', path: ['assertion'], message: 'required when loginUrl is set: how the bank\'s assertions are verified' });
  if (bind.assertion && !bind.assertion.publicKeyPem && !bind.assertion.jwksUrl) ctx.addIssue({ code: 'custom', path: ['assertion'], message: 'needs publicKeyPem (or publicKeyPemFile) or jwksUrl' });
  if (bind.assertion?.publicKeyPem && bind.assertion.jwksUrl) ctx.addIssue({ code: 'custom', path: ['assertion'], message: 'give publicKeyPem or jwksUrl, not both' });
}).prefault({});

export type ConsentConfig = z.infer<typeof consentConfigSchema>;
export type BindConfig = z.infer<typeof bindConfigSchema>;
export type ConsentNoticeConfig = ConsentConfig['notices'][number];
