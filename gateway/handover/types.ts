/** The vocabulary of RM departure: modes, statuses, and a job as the commands see it. */
import type { HandoverItemRow, HandoverJobRow } from '../db/entities';

/** In-service (在职继承: the RM moves on inside the bank) or resigned (离职继承: the RM has left WeCom). */
export const HANDOVER_MODES = ['in-service', 'resigned'] as const;
export type HandoverMode = (typeof HANDOVER_MODES)[number];

/** transferring: customers or groups still to send to Tencent; waiting: only takeovers to wait for. */
export const JOB_STATUSES = ['transferring', 'waiting', 'completed', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * A customer's way through a hand-over: pending → calling (the transfer call is archived, its answer
 * not yet) → waiting (Tencent started it; the takeover is 24 h later) → succeeded | refused |
 * limit_exceeded | failed; or rejected (Tencent refused this customer in the call), skipped (the
 * gateway refused before calling: 2 in-service transfers in 90 days) or failed (the job failed).
 */
export const CUSTOMER_STATUSES = ['pending', 'calling', 'waiting', 'succeeded', 'refused', 'limit_exceeded', 'rejected', 'skipped', 'failed'] as const;
export type CustomerStatus = (typeof CUSTOMER_STATUSES)[number];

/** A group's: pending → calling → succeeded (the new owner at once) | rejected; failed when the job failed. */
export const GROUP_STATUSES = ['pending', 'calling', 'succeeded', 'rejected', 'failed'] as const;
export type GroupStatus = (typeof GROUP_STATUSES)[number];

/** Statuses nothing more happens to. */
export const FINAL_ITEM_STATUSES: ReadonlySet<string> = new Set(['succeeded', 'refused', 'limit_exceeded', 'rejected', 'skipped', 'failed']);

/** What a job keeps sealed. */
export interface JobSecrets {
  handoverUserid: string;
  takeoverUserid: string;
  /** In-service only: the message the customer gets (≤ 200 characters). */
  transferSuccessMsg?: string;
}

/** A job row with its sealed part opened. */
export interface OpenJob {
  row: HandoverJobRow;
  secrets: JobSecrets;
  mode: HandoverMode;
}

/** An item row with its id opened (external_userid for customers, chat_id for groups). */
export interface OpenItem {
  row: HandoverItemRow;
  /** external_userid or chat_id. */
  ref: string;
}

/** Who started a job, as the admin API authenticated them. */
export interface HandoverActor {
  subject: string;
  via: string;
}
