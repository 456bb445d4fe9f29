/**
 * The stand-in's data: a JSON fixture (format at the top of
 * ../finance_sdk_standin.c) holding, per corp, the chat records GetChatData
 * lists and the media files GetMediaData serves. `standinRecord` seals a
 * message the way Tencent does on the outside — encrypt_random_key is the
 * RSA-PKCS#1 v1.5 ciphertext of a string key under the corp's public key —
 * and with the stand-in's own cipher inside, so the whole pull path
 * (unwrap, DecryptData, parse) runs against it.
 */
import { constants, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptForStandin } from './standin-cipher';

/** One record exactly as GetChatData lists it. */
export interface StandinChatRecord {
  seq: number;
  msgid: string;
  publickey_ver: number;
  encrypt_random_key: string;
  encrypt_chat_msg: string;
}

/** One corp's archive in the stand-in. */
export interface StandinCorp {
  /** The msgaudit secret Init must be given (another answers errcode 40001 inside GetChatData's JSON). */
  secret: string;
  chatdata?: StandinChatRecord[];
  /** Media files by sdkfileid. */
  media?: Record<string, Buffer>;
}

/** The whole fixture. */
export interface StandinFixture {
  /** GetMediaData's chunk size; the SDK's is 512 KB. */
  mediaChunkBytes?: number;
  corps: Record<string, StandinCorp>;
}

/** Write `fixture` as the stand-in's JSON file in a fresh temporary directory; its path. */
export function writeStandinFixture(fixture: StandinFixture): string {
  const corps = Object.fromEntries(
    Object.entries(fixture.corps).map(([corpId, corp]) => [
      corpId,
      {
        secret: corp.secret,
        chatdata: corp.chatdata ?? [],
        media: Object.fromEntries(Object.entries(corp.media ?? {}).map(([id, bytes]) => [id, bytes.toString('base64')])),
      },
    ]),
  );
  const file = join(mkdtempSync(join(tmpdir(), 'cgw-standin-fixture-')), 'finance-sdk-data.json');
  writeFileSync(file, JSON.stringify({ ...(fixture.mediaChunkBytes ? { media_chunk_bytes: fixture.mediaChunkBytes } : {}), corps }));
  return file;
}

/** What standinRecord seals. */
export interface SealInput {
  seq: number;
  /** The decrypted message (wecom.md §6.5); its msgid is the record's unless `msgid` is given. */
  message: { msgid: string } & Record<string, unknown>;
  msgid?: string;
  publickeyVer: number;
  /** The corp's RSA public key of that version. */
  publicKey: KeyObject | string;
  /** The message key; random (32 alphanumerics, like Tencent's) unless given. */
  encryptKey?: string;
}

/** A chat record whose key unwraps with the private key of `publickeyVer` and whose message the stand-in decrypts. */
export function standinRecord(input: SealInput): StandinChatRecord {
  const encryptKey = input.encryptKey ?? randomKey();
  const wrapped = publicEncrypt({ key: input.publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(encryptKey, 'utf8'));
  return {
    seq: input.seq,
    msgid: input.msgid ?? input.message.msgid,
    publickey_ver: input.publickeyVer,
    encrypt_random_key: wrapped.toString('base64'),
    encrypt_chat_msg: encryptForStandin(encryptKey, JSON.stringify(input.message)),
  };
}

function randomKey(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(32)].map((byte) => alphabet[byte % alphabet.length]).join('');
}
