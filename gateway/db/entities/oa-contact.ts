/**
 * What the gateway knows of an OA follower from inbound traffic: whether it
 * follows, and its latest customer-service window (48 h / 1 min) with the
 * messages already sent in it. Keyed by blind index; the openid is never stored.
 */
import { EntitySchema } from 'typeorm';
import { bigintColumn, intColumn, varcharColumn } from './columns';

/** A row of `oa_contact`. */
export interface OaContactRow {
  accountId: string;
  openidBidx: string;
  subscribed: number;
  /** The latest qualifying user action: message, menu_click, subscribe, qr_scan, payment. */
  windowTrigger: string | null;
  windowAt: number | null;
  /** Customer-service messages sent since windowAt. */
  sentSince: number;
  updatedAt: number;
}

/** Entity name for `dataSource.getRepository<OaContactRow>(…)`. */
export const OA_CONTACT_ENTITY = 'OaContact';

/** The `oa_contact` entity schema (the same on every dialect). */
export function oaContactEntity(): EntitySchema<OaContactRow> {
  return new EntitySchema<OaContactRow>({
    name: OA_CONTACT_ENTITY,
    tableName: 'oa_contact',
    columns: {
      accountId: { ...varcharColumn('account_id', 64, { primary: true }), primaryKeyConstraintName: 'pk_oa_contact' },
      openidBidx: { ...varcharColumn('openid_bidx', 64, { primary: true }), primaryKeyConstraintName: 'pk_oa_contact' },
      subscribed: intColumn('subscribed'),
      windowTrigger: varcharColumn('window_trigger', 16, { nullable: true }),
      windowAt: bigintColumn('window_at', { nullable: true }),
      sentSince: intColumn('sent_since', { default: 0 }),
      updatedAt: bigintColumn('updated_at'),
    },
    // "Does this openid belong to another account?" looks up by openid alone.
    indices: [{ name: 'ix_oa_contact_openid', columns: ['openidBidx'] }],
  });
}
