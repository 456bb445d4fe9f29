/**
 * Tencent's own idempotency keys: `client_msg_id` on template/send (one
 * message per openid and key within 10 minutes) and `clientmsgid` on mass
 * sends (45065 within 24 hours, 45066 when retried within a minute). This is
 * what lets a sender retry after a lost answer without a duplicate.
 */

/** The first accepted send under a key. */
export interface KeyedSend {
  msgid: number;
  at: number;
}

/** Keys seen per scope, with the send they produced. */
export class ClientMsgIds {
  private readonly seen = new Map<string, KeyedSend>();

  /** The send already made under `key` within `ttlMs` before `now`, if any. */
  find(key: string, now: number, ttlMs: number): KeyedSend | undefined {
    const earlier = this.seen.get(key);
    return earlier && now - earlier.at < ttlMs ? earlier : undefined;
  }

  /** Remember that `key` produced `msgid` at `at`. */
  remember(key: string, msgid: number, at: number): void {
    this.seen.set(key, { msgid, at });
  }
}
