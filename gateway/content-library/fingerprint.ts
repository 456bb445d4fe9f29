/**
 * Content fingerprints: what a captured chat-archive message and an approved
 * content item are compared on. One definition, used for items (when created
 * or revised) and for messages (when archived); pinned by test vectors in
 * test/content-library/fingerprint.test.ts.
 *
 *   text   sha256(canonicalJson(["cgw-content/v1", "text",  normaliseText(content)]))
 *   image  sha256(canonicalJson(["cgw-content/v1", "image", lower-case md5 hex of the bytes]))
 *   link   sha256(canonicalJson(["cgw-content/v1", "link",  canonicalUrl(url), normaliseText(title)]))
 *
 * normaliseText: Unicode NFKC (full-width letters, digits and spaces become
 * their ASCII forms, compatibility characters fold), CR LF and lone CR become
 * LF, and leading and trailing white space is removed. Nothing else: inner
 * spacing, punctuation and case are part of what compliance approved.
 *
 * canonicalUrl: the WHATWG URL serialisation (scheme and host lower-cased,
 * default port dropped, dot segments resolved, percent-encoding as browsers
 * send it), http and https only. The fragment is kept: a page may route on it.
 *
 * An image is matched on the md5 WeCom reports as `md5sum` in the archived
 * image message: the md5 of the file the RM sent. A client that re-encodes
 * the image produces another md5, and the message simply does not match
 * (conservative: it is supervised as any other message).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../connectors/canonical/json';

const DOMAIN = 'cgw-content/v1';

/** The text as it is compared. */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').replace(/\r\n?/g, '\n').trim();
}

/** The canonical form of an http(s) URL, or undefined when `url` is not one. */
export function canonicalUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (parsed.username !== '' || parsed.password !== '') return undefined;
  return parsed.href;
}

function sha256(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}

/** Fingerprint of a text item or text message. */
export function textFingerprint(text: string): string {
  return sha256([DOMAIN, 'text', normaliseText(text)]);
}

/** Fingerprint of an image by the md5 hex of its bytes. @throws RangeError when `md5Hex` is not 32 hex digits */
export function imageFingerprint(md5Hex: string): string {
  if (!/^[0-9a-fA-F]{32}$/.test(md5Hex)) throw new RangeError('an image md5 is 32 hex digits');
  return sha256([DOMAIN, 'image', md5Hex.toLowerCase()]);
}

/** Fingerprint of a link card by its URL and title; undefined when the URL is not http(s). */
export function linkFingerprint(url: string, title: string): string | undefined {
  const canonical = canonicalUrl(url);
  return canonical === undefined ? undefined : sha256([DOMAIN, 'link', canonical, normaliseText(title)]);
}

/** md5 hex of bytes, as WeCom's `md5sum`. */
export function md5Hex(bytes: Buffer): string {
  return createHash('md5').update(bytes).digest('hex');
}
