/**
 * A GetChatData answer whose own errcode is non-zero (the SDK call returned 0,
 * the JSON says no: wecom.md §6.3), with what to do about it (§6.2 error list).
 * errmsg is scrubbed (connectors/wechat/api/scrub.ts) before it is kept.
 */
import { callerIpIn } from '../../../wechat/api/errcodes';
import { scrubText } from '../../../wechat/api/scrub';

/** What the puller should do: wait and pull again, pull a smaller batch, or stop and alert. */
export type ChatDataRetry = 'backoff' | 'reduce-limit' | 'never';

interface Rule {
  retry: ChatDataRetry;
  hint?: (errmsg: string) => string;
}

const SECRET = "check the corp's 会话内容存档 secret (the one the Finance SDK Init uses)";

const RULES: Readonly<Record<number, Rule>> = {
  [-1]: { retry: 'backoff', hint: () => 'Tencent is busy: pull again later' },
  40001: { retry: 'never', hint: () => `invalid credential: ${SECRET}` },
  40014: { retry: 'backoff', hint: () => 'the SDK\'s access_token was rejected: pull again (the SDK fetches a new one)' },
  42001: { retry: 'backoff', hint: () => 'the SDK\'s access_token expired: pull again (the SDK fetches a new one)' },
  45009: { retry: 'backoff', hint: () => 'API rate limit reached: back off' },
  45033: { retry: 'backoff', hint: () => 'too many concurrent calls: back off' },
  48002: { retry: 'never', hint: () => `API not allowed for this secret: ${SECRET}` },
  60020: { retry: 'never', hint: (errmsg) => `add ${callerIpIn(errmsg) ?? "the gateway's egress IP"} to the 会话内容存档 app's trusted IP list` },
  301052: { retry: 'never', hint: () => "the corp's 会话内容存档 (chat archive) service has expired: renew it in the WeCom admin console" },
  301053: { retry: 'never', hint: () => 'chat archive is not enabled for the corp: enable 会话内容存档 and add the members to archive' },
  301058: { retry: 'reduce-limit', hint: () => 'the pull request is too large: pull a smaller batch (lower limit)' },
};

/** Tencent refused the GetChatData pull; `retry` says what to do, `hint` what to fix. */
export class MsgauditApiError extends Error {
  override readonly name = 'MsgauditApiError';
  readonly expose = true;
  readonly retry: ChatDataRetry;
  readonly hint: string | undefined;
  /** Tencent's errmsg, scrubbed of credentials and identifiers. */
  readonly errmsg: string;
  /** Stable code for logs and metrics. */
  readonly code: string;

  constructor(readonly errcode: number, errmsg: string) {
    const scrubbed = scrubText(errmsg);
    const rule = RULES[errcode] ?? { retry: 'never' };
    const hint = rule.hint?.(scrubbed);
    super(`GetChatData errcode ${errcode}${hint ? `: ${hint}` : ''}`);
    this.retry = rule.retry;
    this.hint = hint;
    this.errmsg = scrubbed;
    this.code = `tencent.${errcode}`;
  }

  /** Whether pulling again (as is, or smaller) may succeed. */
  get retryable(): boolean {
    return this.retry !== 'never';
  }
}
