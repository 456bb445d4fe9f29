/** Content library rows in the admin API's shapes (times as ISO date-times). */
import type { ContentItem } from '../admin-api/ports';
import type { components } from '../admin-api/generated/openapi';
import type { ContentItemRow, ContentItemUseRow } from '../db/entities';

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** An item row as the API shows it. */
export function itemForApi(row: ContentItemRow): ContentItem {
  return {
    id: row.id,
    kind: row.kind,
    label: row.label,
    status: row.status,
    version: row.version,
    text: row.kind === 'text' ? row.textContent : null,
    link: row.kind === 'link' ? { title: row.linkTitle ?? '', description: row.linkDescription ?? '', url: row.linkUrl ?? '', ...(row.linkPicUrl ? { picUrl: row.linkPicUrl } : {}) } : null,
    image: row.kind === 'image' ? { contentType: row.imageContentType as 'image/jpeg' | 'image/png' | 'image/gif', size: row.imageSize ?? 0, md5: row.imageMd5 ?? '', sha256: row.imageSha256 ?? '' } : null,
    fingerprint: row.fingerprint,
    contentRecordId: row.contentRecordId,
    createdBy: row.createdBy,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    submittedBy: row.submittedBy,
    submittedAt: isoOrNull(row.submittedAt),
    approvedBy: row.approvedBy,
    approvedAt: isoOrNull(row.approvedAt),
    rejectedBy: row.rejectedBy,
    rejectedAt: isoOrNull(row.rejectedAt),
    retiredBy: row.retiredBy,
    retiredAt: isoOrNull(row.retiredAt),
    lastTransitionRecordId: row.lastTransitionRecordId,
  };
}

/** A use row as the API shows it. */
export function useForApi(row: ContentItemUseRow): components['schemas']['ContentItemMessage'] {
  return { recordId: row.recordId, itemVersion: row.itemVersion, accountId: row.accountId, msgtype: row.msgtype, senderIndex: row.senderBidx, sentAt: iso(row.sentAt) };
}
