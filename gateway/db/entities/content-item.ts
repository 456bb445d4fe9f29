/**
 * The pre-approved content library (issue 6 item 6; gateway/content-library/).
 *
 * `content_item`: one row per item (text, image, link card) with its
 * lifecycle state and the fingerprint captured messages are matched on. The
 * text and link fields are bank marketing copy, not personal data: they are
 * stored in clear so the sidebar can list them (docs/decisions/0010). Image
 * bytes are only in the archive (`content_record_id`, a `content.item` record).
 *
 * `content_fingerprint`: the approved item holding each fingerprint (null
 * once it was retired): at most one approved item per content at a time,
 * enforced by the primary key on every back end (a unique nullable column on
 * the item would not be portable: SQL Server allows one NULL).
 *
 * `content_item_use`: which archived chat-archive message matched which
 * approved item and version, written in the transaction that archived it.
 */
import { EntitySchema } from 'typeorm';
import type { Dialect } from '../dialect';
import { bigintColumn, intColumn, longTextColumn, varcharColumn } from './columns';

/** Lifecycle states of an item. */
export type ContentItemStatus = 'draft' | 'submitted' | 'approved' | 'retired';
/** Kinds of item. */
export type ContentItemKind = 'text' | 'image' | 'link';

/** A row of `content_item`. */
export interface ContentItemRow {
  id: string;
  kind: ContentItemKind;
  /** The library's name for the item (shown to RMs in the sidebar). */
  label: string;
  status: ContentItemStatus;
  /** 1 at creation, +1 per revision (drafts only); an approval approves one version. */
  version: number;
  textContent: string | null;
  linkTitle: string | null;
  linkDescription: string | null;
  linkUrl: string | null;
  linkPicUrl: string | null;
  /** md5 hex of the image bytes (what WeCom reports as `md5sum` in the chat archive). */
  imageMd5: string | null;
  imageSha256: string | null;
  imageSize: number | null;
  imageContentType: string | null;
  /** sha256 hex of the normalised content (gateway/content-library/fingerprint.ts). */
  fingerprint: string;
  /** The `content.item` archive record of the current version. */
  contentRecordId: string;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  submittedBy: string | null;
  submittedAt: number | null;
  approvedBy: string | null;
  /** Epoch ms; a message sent at or after this (and before retiredAt) matches. */
  approvedAt: number | null;
  rejectedBy: string | null;
  rejectedAt: number | null;
  retiredBy: string | null;
  retiredAt: number | null;
  /** The `content.approval` record of the last transition. */
  lastTransitionRecordId: string | null;
}

/** A row of `content_fingerprint`. */
export interface ContentFingerprintRow {
  fingerprint: string;
  /** The approved item with this content; null when none is approved now. */
  itemId: string | null;
  approvedAt: number | null;
}

/** A row of `content_item_use`. */
export interface ContentItemUseRow {
  /** The `wecom.msgaudit` record of the captured message. */
  recordId: string;
  itemId: string;
  itemVersion: number;
  /** The corp's configuration id. */
  accountId: string;
  msgtype: string;
  /** Blind index of the sender (the archive's subject index). */
  senderBidx: string | null;
  /** The message's msgtime (epoch ms; the archive time when Tencent sent 0). */
  sentAt: number;
  createdAt: number;
}

export const CONTENT_ITEM_ENTITY = 'ContentItem';
export const CONTENT_FINGERPRINT_ENTITY = 'ContentFingerprint';
export const CONTENT_ITEM_USE_ENTITY = 'ContentItemUse';

/** Unicode text of bounded length: nvarchar(n) on SQL Server, varchar(n) (already Unicode) elsewhere. */
function unicodeColumn(dialect: Dialect, name: string, length: number, nullable = false) {
  return { ...varcharColumn(name, length, { nullable }), type: dialect === 'mssql' ? ('nvarchar' as const) : ('varchar' as const) };
}

const nullableLongText = (dialect: Dialect, name: string) => ({ ...longTextColumn(dialect, name), nullable: true });

/** The `content_item` entity schema. */
export function contentItemEntity(dialect: Dialect): EntitySchema<ContentItemRow> {
  return new EntitySchema<ContentItemRow>({
    name: CONTENT_ITEM_ENTITY,
    tableName: 'content_item',
    columns: {
      id: { ...varcharColumn('id', 36, { primary: true }), primaryKeyConstraintName: 'pk_content_item' },
      kind: varcharColumn('kind', 16),
      label: unicodeColumn(dialect, 'label', 200),
      status: varcharColumn('status', 16),
      version: intColumn('version'),
      textContent: nullableLongText(dialect, 'text_content'),
      linkTitle: nullableLongText(dialect, 'link_title'),
      linkDescription: nullableLongText(dialect, 'link_description'),
      linkUrl: nullableLongText(dialect, 'link_url'),
      linkPicUrl: nullableLongText(dialect, 'link_pic_url'),
      imageMd5: varcharColumn('image_md5', 32, { nullable: true }),
      imageSha256: varcharColumn('image_sha256', 64, { nullable: true }),
      imageSize: bigintColumn('image_size', { nullable: true }),
      imageContentType: varcharColumn('image_content_type', 64, { nullable: true }),
      fingerprint: varcharColumn('fingerprint', 64),
      contentRecordId: varcharColumn('content_record_id', 36),
      createdBy: unicodeColumn(dialect, 'created_by', 255),
      createdAt: bigintColumn('created_at'),
      updatedAt: bigintColumn('updated_at'),
      submittedBy: unicodeColumn(dialect, 'submitted_by', 255, true),
      submittedAt: bigintColumn('submitted_at', { nullable: true }),
      approvedBy: unicodeColumn(dialect, 'approved_by', 255, true),
      approvedAt: bigintColumn('approved_at', { nullable: true }),
      rejectedBy: unicodeColumn(dialect, 'rejected_by', 255, true),
      rejectedAt: bigintColumn('rejected_at', { nullable: true }),
      retiredBy: unicodeColumn(dialect, 'retired_by', 255, true),
      retiredAt: bigintColumn('retired_at', { nullable: true }),
      lastTransitionRecordId: varcharColumn('last_transition_record_id', 36, { nullable: true }),
    },
    indices: [
      { name: 'ix_content_item_status', columns: ['status', 'updatedAt'] },
      { name: 'ix_content_item_fingerprint', columns: ['fingerprint', 'approvedAt'] },
    ],
  });
}

/** The `content_fingerprint` entity schema (the same on every dialect). */
export function contentFingerprintEntity(): EntitySchema<ContentFingerprintRow> {
  return new EntitySchema<ContentFingerprintRow>({
    name: CONTENT_FINGERPRINT_ENTITY,
    tableName: 'content_fingerprint',
    columns: {
      fingerprint: { ...varcharColumn('fingerprint', 64, { primary: true }), primaryKeyConstraintName: 'pk_content_fingerprint' },
      itemId: varcharColumn('item_id', 36, { nullable: true }),
      approvedAt: bigintColumn('approved_at', { nullable: true }),
    },
  });
}

/** The `content_item_use` entity schema (the same on every dialect). */
export function contentItemUseEntity(): EntitySchema<ContentItemUseRow> {
  return new EntitySchema<ContentItemUseRow>({
    name: CONTENT_ITEM_USE_ENTITY,
    tableName: 'content_item_use',
    columns: {
      recordId: { ...varcharColumn('record_id', 36, { primary: true }), primaryKeyConstraintName: 'pk_content_item_use' },
      itemId: varcharColumn('item_id', 36),
      itemVersion: intColumn('item_version'),
      accountId: varcharColumn('account_id', 64),
      msgtype: varcharColumn('msgtype', 32),
      senderBidx: varcharColumn('sender_bidx', 64, { nullable: true }),
      sentAt: bigintColumn('sent_at'),
      createdAt: bigintColumn('created_at'),
    },
    indices: [{ name: 'ix_content_item_use_item', columns: ['itemId', 'sentAt'] }],
  });
}
