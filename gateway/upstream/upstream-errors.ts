/** Failures of the token manager itself (not Tencent's): classified like TencentApiError so delivery treats both alike. */

export type TokenUnavailableReason = 'unknown-key' | 'wait-timeout' | 'lease-lost';

/** No usable token could be had in time; nothing was sent to Tencent. */
export class UpstreamTokenUnavailableError extends Error {
  override readonly name = 'UpstreamTokenUnavailableError';
  readonly code: string;
  readonly safeMessage: string;
  /** Same meaning as TencentApiError.retry. */
  readonly retry: 'backoff' | 'never';
  /** Nothing was sent. */
  readonly delivered = 'no' as const;
  readonly scope = 'account' as const;

  constructor(readonly tokenKey: string, readonly reason: TokenUnavailableReason) {
    const text = {
      'unknown-key': `no Tencent credentials are configured for ${tokenKey}`,
      'wait-timeout': `timed out waiting for another replica to refresh the access token of ${tokenKey}`,
      'lease-lost': `lost the refresh lease of ${tokenKey} while refreshing; the fetched token was not stored`,
    }[reason];
    super(text);
    this.code = `upstream-token.${reason}`;
    this.safeMessage = text;
    this.retry = reason === 'unknown-key' ? 'never' : 'backoff';
  }
}
