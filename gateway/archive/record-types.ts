/**
 * Registered archive record types. Stable codes: they are stored in every
 * record and named in exports, so a code is never reused or renamed.
 */
export const ARCHIVE_RECORD_TYPES = {
  'oa.inbound': 'A user message or event pushed by Tencent to an Official Account callback',
  'oa.reply': 'A passive reply from an internal app, returned to Tencent inside the callback answer',
  'oa.reply.late': 'A passive reply that arrived after the callback was answered; archived, never sent',
  'oa.api.read': 'A read an internal app made through the gateway (user info) and Tencent\'s answer, which carries PII',
  'oa.media': 'A temporary media file an internal app uploaded through the gateway, stored once per account and content hash: the bytes, type, filename and sha256',
  'oa.media.uploaded': 'Tencent\'s media_id for an uploaded media file, linking the media_id to its oa.media record and the uploading app',
  'outbound.submitted': 'An outbound message as an internal app submitted it, the body to send, and the policy decision',
  'outbound.approval': 'An approval, rejection or comment on a held message: who, when, the note, the content hash, and the re-evaluation at release',
  'outbound.delivery': 'Tencent\'s final answer to the delivery of an outbound message (delivered, or failed for good)',
  'outbound.expired': 'A held message that expired (TTL or closed 48-hour window) without being sent',
  'wecom.msgaudit': 'A WeCom chat-archive message pulled with GetChatData and decrypted: its canonical MsgauditEvent (seq, msgid, sender, recipients, fields, media descriptors, the decrypted JSON)',
  'wecom.msgaudit.media': 'A media file (image, voice, video, file, emotion…) of an archived WeCom chat-archive message, fetched with GetMediaData: the bytes (or, for a file above msgaudit.mediaPartBytes, the part records holding them), size, md5 and the message it belongs to',
  'wecom.msgaudit.media.part': 'One part (msgaudit.mediaPartBytes) of a large chat-archive media file, archived while the file downloads; the wecom.msgaudit.media record of the same attempt names its parts in order',
  'wecom.callback': 'An event WeCom pushed to a corp callback (msg_audit_approved, change_external_contact, msgaudit_notify …): the decrypted XML and its canonical form',
  'wecom.room': 'A snapshot of a WeCom group chat seen in the chat archive: its roomid, name, owner, members and notice as groupchat/get answered (a new snapshot when the answer changes)',
  'consent.evidence': 'The evidence of consent ledger entries that no other record holds: a consent-page submission, an officer\'s or import\'s change, a reconciliation answer from check_single_agree / check_room_agree',
  'binding.evidence': 'The evidence of a PII binding or unbinding: the CRM\'s call with its evidence, or the bank\'s verified login assertion from the bind page, with the customer id',
  'rights.access': 'A PIPL access request answered: who asked, for whom (the person\'s ids), and the sha256 and size of the file handed out',
  'alert.review': 'A compliance officer\'s review of an alert (a WeCom disagree, a supervised message that tripped a rule): the action taken, the note, who and when',
  'wecom.msgaudit.raw': 'A WeCom chat-archive record that could not be decrypted or parsed, kept as received (seq, msgid, publickey_ver, encrypt_random_key, encrypt_chat_msg) with the typed error',
  // content library (issue 6 item 6): begin
  'content.item': 'A pre-approved content library item as created or revised (one record per version): kind, label, the text, the link card (title, description, url, picurl) or the image bytes with their md5 and sha256, the fingerprint, who and when',
  'content.approval': 'A lifecycle transition of a content library item (submitted, approved, rejected, retired): the item and version, the fingerprint, the actor, the note, the state before and after',
  // content library: end
  // RM departure (issue 6 item 7): begin
  'wecom.handover': "A step of a hand-over of an RM's customers and groups to another RM (started, a transfer call and its answer, a settled lost answer, a customer's final state, completed, failed): both RMs' userids, the customers and groups concerned, WeCom's request and answer",
  // RM departure: end
} as const;

export type ArchiveRecordType = keyof typeof ARCHIVE_RECORD_TYPES;

/** True when `code` is a registered record type. */
export function isArchiveRecordType(code: string): code is ArchiveRecordType {
  return Object.hasOwn(ARCHIVE_RECORD_TYPES, code);
}
