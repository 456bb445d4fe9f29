/**
 * Registered archive record types. Stable codes: they are stored in every
 * record and named in exports, so a code is never reused or renamed.
 */
export const ARCHIVE_RECORD_TYPES = {
  'oa.inbound': 'A user message or event pushed by Tencent to an Official Account callback',
  'oa.reply': 'A passive reply from an internal app, returned to Tencent inside the callback answer',
  'oa.reply.late': 'A passive reply that arrived after the callback was answered; archived, never sent',
} as const;

export type ArchiveRecordType = keyof typeof ARCHIVE_RECORD_TYPES;

/** True when `code` is a registered record type. */
export function isArchiveRecordType(code: string): code is ArchiveRecordType {
  return Object.hasOwn(ARCHIVE_RECORD_TYPES, code);
}
