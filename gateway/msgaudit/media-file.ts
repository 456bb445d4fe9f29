/**
 * Reading an archived chat-archive media file back (exports, reviews,
 * tests): the bytes of a small file are in its `wecom.msgaudit.media`
 * record; a large one's are in the part records it names (fetch-media.ts).
 * Each part must be the one named — same file, same download attempt, the
 * next position — and the whole must have the recorded size and md5, so a
 * part moved, dropped or swapped between files is refused, not glued in.
 */
import { createHash } from 'node:crypto';
import type { ArchiveReader } from '../archive/reader';
import type { MediaPartRef } from './fetch-media';

/** A media record whose bytes do not add up. */
export class MediaFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MediaFileError';
  }
}

/** The bytes of the file a `wecom.msgaudit.media` payload describes. @throws MediaFileError when its parts or checksum do not match it */
export async function readMediaFile(reader: Pick<ArchiveReader, 'open'>, media: Record<string, unknown>): Promise<Buffer> {
  let bytes: Buffer;
  if (typeof media.bytesBase64 === 'string') {
    bytes = Buffer.from(media.bytesBase64, 'base64');
  } else {
    const parts = media.parts as MediaPartRef[] | undefined;
    if (!Array.isArray(parts) || parts.length === 0) throw new MediaFileError('the media record holds neither bytes nor parts');
    const pieces: Buffer[] = [];
    let offset = 0;
    for (const [i, ref] of parts.entries()) {
      const { recordType, payload } = await reader.open(ref.recordId);
      const same = recordType === 'wecom.msgaudit.media.part' && payload.corpId === media.corpId && payload.msgid === media.msgid
        && payload.index === media.index && payload.attempt === media.attempt && payload.part === i && payload.offset === offset && ref.offset === offset;
      if (!same) throw new MediaFileError(`part ${i} (record ${ref.recordId}) is not part ${i} of this file at offset ${offset}`);
      const piece = Buffer.from(String(payload.bytesBase64), 'base64');
      if (piece.length !== payload.size || piece.length !== ref.size) throw new MediaFileError(`part ${i} has ${piece.length} bytes, recorded as ${ref.size}`);
      pieces.push(piece);
      offset += piece.length;
    }
    bytes = Buffer.concat(pieces);
  }
  if (bytes.length !== media.size) throw new MediaFileError(`the file has ${bytes.length} bytes, recorded as ${String(media.size)}`);
  if (createHash('md5').update(bytes).digest('hex') !== media.md5) throw new MediaFileError('the file does not match its recorded md5');
  return bytes;
}
