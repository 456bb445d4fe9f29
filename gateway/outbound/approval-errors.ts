/** Why an approval action is refused; the admin API maps each code to a problem type. */
export type ApprovalErrorCode = 'not_found' | 'not_pending' | 'expired' | 'self_approval' | 'duplicate_approver' | 'not_in_group' | 'invalid';

export class ApprovalError extends Error {
  constructor(readonly code: ApprovalErrorCode, message: string) {
    super(message);
    this.name = 'ApprovalError';
  }
}

/** Who acts on a held message, as authenticated by the admin API. */
export interface ApprovalActor {
  subject: string;
  groups: readonly string[];
  roles: readonly string[];
  via: string;
}
