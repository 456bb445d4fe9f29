/**
 * Every OA number the outbound endpoints enforce, overridable per simulator so
 * tests reach the edges quickly (limits-and-errors.md §2, wechat-oa.md §5–§9).
 */
import { DEFAULT_MEDIA_RULES, type MediaRule, type OaMediaType } from '../state/media-store';

/** Daily call quotas per account (Beijing day) → 45009. */
export interface OaDailyQuotas {
  customSend: number;
  templateSend: number;
  /** Not in the reference; unlimited unless a test sets it. */
  subscribeSend: number;
  /** `mass/sendall` and `mass/send` share the documented 100/day. */
  mass: number;
  /** [S] preview gets its own 100/day, so previews do not eat real sends. */
  massPreview: number;
  /** `user/info` and `user/info/batchget` share one quota. */
  userInfo: number;
  mediaUpload: number;
}

export const DEFAULT_OA_DAILY_QUOTAS: OaDailyQuotas = {
  customSend: 500_000,
  templateSend: 100_000,
  subscribeSend: Number.POSITIVE_INFINITY,
  mass: 100,
  massPreview: 100,
  userInfo: 5_000_000,
  mediaUpload: 100_000,
};

/** Payload limits. */
export interface OaMessageLimits {
  /**
   * [S] Text length of customer-service and mass text. Tencent does not
   * document one for custom/send; 2048 bytes is the limit WeCom documents and
   * the size passive replies are commonly held to.
   */
  textMaxBytes: number;
  /** Articles in a custom/send `news` (current docs: 1; historically 8) → 45008. */
  newsMaxArticles: number;
  /** Openids in `mass/send` → 40032 outside the range. */
  massMinRecipients: number;
  massMaxRecipients: number;
  /** Entries in `user/info/batchget` → 40032 beyond it. */
  batchGetMax: number;
  media: Readonly<Record<OaMediaType, MediaRule>>;
}

export const DEFAULT_OA_MESSAGE_LIMITS: OaMessageLimits = {
  textMaxBytes: 2048,
  newsMaxArticles: 1,
  massMinRecipients: 2,
  massMaxRecipients: 10_000,
  batchGetMax: 100,
  media: DEFAULT_MEDIA_RULES,
};
