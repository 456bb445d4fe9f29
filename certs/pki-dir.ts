/**
 * The PKI directory (in the gateway's data directory, never in the repository):
 *   ca.crt / ca.key, server.crt / server.key, checkpoint-signer.crt / checkpoint-signer.key
 * Certificates are 0644, private keys 0600 (refused on load when group or others can read
 * them), every file written atomically. A pair is present only when both files are.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PemPair } from './issue';
import { readPrivateFile, writePrivateFileAtomic } from './private-file';

/** What a PKI directory can hold. */
export interface PkiBundle {
  ca?: PemPair;
  server?: PemPair;
  /** The archive-checkpoint signer (files checkpoint-signer.crt / .key). */
  signer?: PemPair;
}

export type PkiMember = keyof PkiBundle;

/** File base names of each member. */
export const PKI_FILES: Record<PkiMember, string> = { ca: 'ca', server: 'server', signer: 'checkpoint-signer' };

/** A directory that holds half a pair, or unreadable files. */
export class PkiDirError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PkiDirError';
  }
}

/**
 * Write the members present in `bundle` (creating `dir` 0700), each key before its certificate.
 * With `exclusive`, refuses to replace existing files.
 * @throws PrivateFileError('exists') when `exclusive` and a file exists
 */
export function writePkiDir(dir: string, bundle: PkiBundle, options: { exclusive?: boolean } = {}): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const member of Object.keys(PKI_FILES) as PkiMember[]) {
    const pair = bundle[member];
    if (!pair) continue;
    const base = join(dir, PKI_FILES[member]);
    writePrivateFileAtomic(`${base}.key`, pair.keyPem, options);
    writePrivateFileAtomic(`${base}.crt`, pair.certPem, options); // atomic like the key, then made public
    chmodSync(`${base}.crt`, 0o644); // certificates are public; other tools (curl, openssl) may read them
  }
}

/**
 * Read whatever pairs `dir` holds.
 * @throws PkiDirError when only one file of a pair exists; PrivateFileError('insecure-mode') for a readable key
 */
export function loadPkiDir(dir: string): PkiBundle {
  const bundle: PkiBundle = {};
  for (const member of Object.keys(PKI_FILES) as PkiMember[]) {
    const base = join(dir, PKI_FILES[member]);
    const [hasCert, hasKey] = [existsSync(`${base}.crt`), existsSync(`${base}.key`)];
    if (!hasCert && !hasKey) continue;
    if (hasCert !== hasKey) throw new PkiDirError(`${base}.${hasCert ? 'key' : 'crt'} is missing while ${base}.${hasCert ? 'crt' : 'key'} exists; restore it or remove both`);
    bundle[member] = { certPem: readFileSync(`${base}.crt`, 'utf8'), keyPem: readPrivateFile(`${base}.key`).toString('utf8') };
  }
  return bundle;
}
