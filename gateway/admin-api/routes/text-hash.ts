/** Free text an admin typed (note, reason, comment) is audited by hash and length, never verbatim. */
import { createHash } from 'node:crypto';

/** sha256 hex of the UTF-8 text: ties the audit event to the text the approvals store keeps. */
export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
