/**
 * Every WeCom number the simulated endpoints enforce (wecom.md §2–§4,
 * limits-and-errors.md §2), overridable so tests reach the edges quickly.
 */
import { DEFAULT_MEMBER_RATE } from '../state/member-rate-limit';
import { WELCOME_CODE_TTL_SECONDS } from '../state/welcome-codes';

export interface WecomLimits {
  tokenTtlSeconds: number;
  /** Per corp and API → 45009. */
  perApiPerMinute: number;
  perApiPerHour: number;
  /** message/send per app and member; the excess is dropped silently. */
  memberPerMinute: number;
  memberPerHour: number;
  /** message/send text and markdown content. */
  textMaxBytes: number;
  touserMax: number;
  topartyMax: number;
  totagMax: number;
  /** add_msg_template. */
  externalUserMax: number;
  chatIdMax: number;
  attachmentsMax: number;
  taskTextMaxBytes: number;
  /** Mass messages one customer may receive per Beijing month; `undefined` = the month's number of days (current rule). */
  customerMonthlyCap?: number;
  welcomeCodeSeconds: number;
  /** msgaudit/check_single_agree `info` entries (301060 beyond). */
  agreeCheckMax: number;
  /** transfer_customer / resigned/transfer_customer: external_userid per call (≤ 100). */
  transferBatchMax: number;
  /** How long after a transfer starts the takeover happens unless the customer refuses (24 h). */
  transferTakeoverSeconds: number;
  /** In-service transfers of one customer allowed within `transferCapWindowDays` (2 in 90 days). */
  transferCapPerCustomer: number;
  transferCapWindowDays: number;
  /** transfer_success_msg, in characters (≤ 200). */
  transferSuccessMsgMaxChars: number;
  /** get_unassigned_list page_size (≤ 1000). */
  unassignedPageMax: number;
  /** transfer_result entries per page [S: Tencent does not document its page size]. */
  transferResultPageSize: number;
  /** Customers one member may have; a takeover beyond it ends in status 4 (customer_limit_exceed) [S: 50,000, WeCom's default seat cap, recalled]. */
  memberCustomerMax: number;
  /** groupchat/transfer and onjob_transfer chat_id_list (1 … 100). */
  groupTransferMax: number;
  /** groupchat/list limit (1 … 1000). */
  groupListMax: number;
}

export const DEFAULT_WECOM_LIMITS: WecomLimits = {
  tokenTtlSeconds: 7200,
  perApiPerMinute: 10_000,
  perApiPerHour: 150_000,
  memberPerMinute: DEFAULT_MEMBER_RATE.perMinute,
  memberPerHour: DEFAULT_MEMBER_RATE.perHour,
  textMaxBytes: 2048,
  touserMax: 1000,
  topartyMax: 100,
  totagMax: 100,
  externalUserMax: 10_000,
  chatIdMax: 2000,
  attachmentsMax: 9,
  taskTextMaxBytes: 4000,
  welcomeCodeSeconds: WELCOME_CODE_TTL_SECONDS,
  agreeCheckMax: 100,
  transferBatchMax: 100,
  transferTakeoverSeconds: 24 * 3600,
  transferCapPerCustomer: 2,
  transferCapWindowDays: 90,
  transferSuccessMsgMaxChars: 200,
  unassignedPageMax: 1000,
  transferResultPageSize: 1000,
  memberCustomerMax: 50_000,
  groupTransferMax: 100,
  groupListMax: 1000,
};
