/**
 * Temporary media (wechat-oa.md §9): what `media/upload` accepts per type, and
 * the media_ids it issued. An id belongs to one account, keeps its type and
 * lives 3 days; outbound messages may only name live ids of the right type.
 */
import type { Clock } from '../clock';
import { randomBase64Url, type Rng } from '../random';

export type OaMediaType = 'image' | 'voice' | 'video' | 'thumb';
export const OA_MEDIA_TYPES: readonly OaMediaType[] = ['image', 'voice', 'video', 'thumb'];

/** Size cap and accepted file extensions of one media type. */
export interface MediaRule {
  maxBytes: number;
  extensions: readonly string[];
}

const MB = 1024 * 1024;

/**
 * §9's limits. Image is 10 MB (some doc versions say 2 MB — override it);
 * the format is judged by the file name's extension, as Tencent's errors
 * ("invalid file type") suggest it does.
 */
export const DEFAULT_MEDIA_RULES: Readonly<Record<OaMediaType, MediaRule>> = {
  image: { maxBytes: 10 * MB, extensions: ['png', 'jpeg', 'jpg', 'gif'] },
  voice: { maxBytes: 2 * MB, extensions: ['amr', 'mp3'] },
  video: { maxBytes: 10 * MB, extensions: ['mp4'] },
  thumb: { maxBytes: 64 * 1024, extensions: ['jpg', 'jpeg'] },
};

export const MEDIA_TTL_SECONDS = 3 * 24 * 3600;

/** One uploaded file as Tencent remembers it. */
export interface StoredMedia {
  mediaId: string;
  appId: string;
  type: OaMediaType;
  filename: string;
  bytes: number;
  /** Epoch ms. */
  createdAt: number;
}

/** media_ids issued by `media/upload` (or planted by tests). */
export class MediaStore {
  private readonly media = new Map<string, StoredMedia>();

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly ttlSeconds = MEDIA_TTL_SECONDS,
  ) {}

  /** Store an upload and mint its id (64 × base64url, like the ids pushes carry). */
  add(appId: string, type: OaMediaType, file: { filename: string; bytes: number }): StoredMedia {
    let mediaId: string;
    do mediaId = randomBase64Url(this.rng, 64);
    while (this.media.has(mediaId));
    const stored: StoredMedia = { mediaId, appId, type, filename: file.filename, bytes: file.bytes, createdAt: this.clock.now() };
    this.media.set(mediaId, stored);
    return stored;
  }

  /** The live media `mediaId` of `appId` when its type is one of `types`; undefined when unknown, foreign, expired or of another type. */
  find(appId: string, mediaId: string, types: readonly OaMediaType[] = OA_MEDIA_TYPES): StoredMedia | undefined {
    const stored = this.media.get(mediaId);
    if (!stored || stored.appId !== appId || !types.includes(stored.type)) return undefined;
    return this.clock.now() < stored.createdAt + this.ttlSeconds * 1000 ? stored : undefined;
  }
}
