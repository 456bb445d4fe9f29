/**
 * What of a captured chat-archive message can match a content item: a text
 * message's content, an image message's md5sum, a link message's URL and
 * title, each as a fingerprint (../fingerprint.ts), with the supervised text
 * paths the item vouches for (supervision's paths, captured-message.ts).
 * Only messages an RM (a corp member) sent are matched: the library is what
 * the bank's staff send. Mixed messages, forwarded chat records and the rest
 * never match: an item is one message.
 */
import type { MsgauditEvent } from '../../../connectors/canonical/msgaudit-event';
import { senderRole } from '../../supervision/captured-message';
import type { ContentItemKind } from '../../db/entities';
import { imageFingerprint, linkFingerprint, normaliseText, textFingerprint } from '../fingerprint';

/** A message's candidate match. */
export interface MessageCandidate {
  kind: ContentItemKind;
  fingerprint: string;
  /** Text paths covered by the fingerprint itself (text.content, link.title). */
  coveredPaths: readonly string[];
  /** A link's description, normalised: covered when it equals the item's. */
  linkDescription?: string;
}

const MD5 = /^[0-9a-fA-F]{32}$/;

/** The candidate of `event`, or undefined when it cannot match any item. */
export function messageCandidate(event: MsgauditEvent): MessageCandidate | undefined {
  if (event.action !== 'send' || senderRole(event.from) !== 'rm') return undefined;
  const f = event.fields;
  if (event.type === 'text' && typeof f.content === 'string' && normaliseText(f.content) !== '') {
    return { kind: 'text', fingerprint: textFingerprint(f.content), coveredPaths: ['text.content'] };
  }
  if (event.type === 'image' && typeof f.md5Sum === 'string' && MD5.test(f.md5Sum)) {
    return { kind: 'image', fingerprint: imageFingerprint(f.md5Sum), coveredPaths: [] };
  }
  if (event.type === 'link' && typeof f.linkUrl === 'string' && typeof f.title === 'string') {
    const fingerprint = linkFingerprint(f.linkUrl, f.title);
    if (!fingerprint) return undefined;
    return { kind: 'link', fingerprint, coveredPaths: ['link.title'], linkDescription: typeof f.description === 'string' ? normaliseText(f.description) : '' };
  }
  return undefined;
}
