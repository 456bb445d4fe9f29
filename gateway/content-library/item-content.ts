/**
 * An item's content as the library keeps it, checked from the admin API's
 * request: exactly the field of the item's kind, within the configured
 * limits, an image that is really a JPEG, PNG or GIF, links that are http(s).
 * Each refusal names the field (a JSON Pointer) and never quotes the value.
 */
import { createHash } from 'node:crypto';
import { AdminError } from '../admin-api/admin-error';
import type { ContentItemKind } from '../db/entities';
import { canonicalUrl, imageFingerprint, linkFingerprint, md5Hex, normaliseText, textFingerprint } from './fingerprint';

/** A link card: what WeCom's sendChatMessage `news` takes (link, title, desc, imgUrl). */
export interface LinkCard {
  title: string;
  description: string;
  url: string;
  picUrl: string | null;
}

/** The image of an image item. */
export interface ItemImage {
  bytes: Buffer;
  contentType: 'image/jpeg' | 'image/png' | 'image/gif';
  md5: string;
  sha256: string;
  filename: string | null;
}

/** One version's content. */
export type ItemContent = { kind: 'text'; text: string } | { kind: 'link'; link: LinkCard } | { kind: 'image'; image: ItemImage };

/** The limits content is checked against (contentLibrary.maxTextBytes, maxImageBytes). */
export interface ContentLimits {
  maxTextBytes: number;
  maxImageBytes: number;
}

/** The content fields of a create or revise request. */
export interface ContentFields {
  text?: string;
  link?: { title: string; description?: string; url: string; picUrl?: string };
  image?: { dataBase64: string; filename?: string };
}

const KIND_FIELDS = ['text', 'link', 'image'] as const;

function invalid(pointer: string, message: string): AdminError {
  return new AdminError('invalid', `${pointer} ${message}`, { errors: [{ pointer, message }] });
}

/**
 * The content of a `kind` item from `fields`: exactly the field named by the kind must be present.
 * @throws AdminError invalid naming the field
 */
export function contentFromRequest(kind: ContentItemKind, fields: ContentFields, limits: ContentLimits): ItemContent {
  for (const other of KIND_FIELDS) {
    if (other !== kind && fields[other] !== undefined) throw invalid(`/body/${other}`, `must be absent for a ${kind} item`);
  }
  if (fields[kind] === undefined) throw invalid(`/body/${kind}`, `is required for a ${kind} item`);
  if (kind === 'text') return { kind, text: checkedText(fields.text!, limits) };
  if (kind === 'link') return { kind, link: checkedLink(fields.link!) };
  return { kind, image: checkedImage(fields.image!, limits) };
}

function checkedText(text: string, limits: ContentLimits): string {
  if (normaliseText(text) === '') throw invalid('/body/text', 'is empty once white space is removed');
  if (Buffer.byteLength(text, 'utf8') > limits.maxTextBytes) throw invalid('/body/text', `is longer than ${limits.maxTextBytes} UTF-8 bytes`);
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) throw invalid('/body/text', 'contains control characters');
  return text;
}

function checkedLink(link: NonNullable<ContentFields['link']>): LinkCard {
  if (canonicalUrl(link.url) === undefined) throw invalid('/body/link/url', 'must be an absolute http(s) URL without credentials');
  if (link.picUrl !== undefined && canonicalUrl(link.picUrl) === undefined) throw invalid('/body/link/picUrl', 'must be an absolute http(s) URL without credentials');
  if (normaliseText(link.title) === '') throw invalid('/body/link/title', 'is empty once white space is removed');
  return { title: link.title, description: link.description ?? '', url: link.url.trim(), picUrl: link.picUrl?.trim() ?? null };
}

function checkedImage(image: NonNullable<ContentFields['image']>, limits: ContentLimits): ItemImage {
  const bytes = Buffer.from(image.dataBase64, 'base64');
  // Buffer.from skips what is not base64; a round trip shows the input was exactly base64.
  if (bytes.toString('base64').replace(/=+$/, '') !== image.dataBase64.replace(/=+$/, '')) throw invalid('/body/image/dataBase64', 'is not valid base64');
  if (bytes.length > limits.maxImageBytes) throw invalid('/body/image/dataBase64', `decodes to more than ${limits.maxImageBytes} bytes (contentLibrary.maxImageBytes)`);
  const contentType = sniffImage(bytes);
  if (!contentType) throw invalid('/body/image/dataBase64', 'is not a JPEG, PNG or GIF image');
  return { bytes, contentType, md5: md5Hex(bytes), sha256: createHash('sha256').update(bytes).digest('hex'), filename: image.filename ?? null };
}

/** The image type by its magic bytes (the only types WeCom's chat takes as images). */
export function sniffImage(bytes: Buffer): ItemImage['contentType'] | undefined {
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 6 && (bytes.subarray(0, 6).toString('latin1') === 'GIF87a' || bytes.subarray(0, 6).toString('latin1') === 'GIF89a')) return 'image/gif';
  return undefined;
}

/** The fingerprint of `content` (fingerprint.ts). */
export function fingerprintOf(content: ItemContent): string {
  if (content.kind === 'text') return textFingerprint(content.text);
  if (content.kind === 'image') return imageFingerprint(content.image.md5);
  return linkFingerprint(content.link.url, content.link.title)!;
}
