/**
 * First-start PKI for the embedded default: a CA, a server certificate for
 * localhost / 127.0.0.1 / ::1 and the archive-checkpoint signing key, created
 * in the data directory when missing and left alone when present.
 * CLI: `tsx certs/dev-pki.ts <dir>` prints what it created.
 */
import { loadPkiDir, writePkiDir, type PkiBundle, type PkiMember } from './pki-dir';
import { createCa, createSigningKeyPair, issueServerCert, type PemPair } from './issue';

/** Every member of the PKI directory after creating what was missing, and which members were created. */
export interface DevPki extends Required<PkiBundle> {
  created: PkiMember[];
}

/**
 * Create whatever of CA, server certificate and checkpoint signer is missing in `dir`.
 * @throws PkiDirError / PrivateFileError from loading; Error when certificates exist without their CA
 */
export function ensureDevPki(dir: string, options: { now?: Date } = {}): DevPki {
  const existing = loadPkiDir(dir);
  const created: PkiMember[] = [];
  let ca: PemPair | undefined = existing.ca;
  if (!ca) {
    // Issuing under a new CA would leave the old certificates unverifiable: refuse instead of guessing.
    if (existing.server || existing.signer) throw new Error(`${dir} has certificates but no CA (ca.crt / ca.key); restore the CA or remove the directory`);
    ca = createCa({ commonName: 'cgw dev CA', validityDays: 3650, ...options });
    created.push('ca');
  }
  const server = existing.server ?? issueServerCert(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'], ...options });
  if (!existing.server) created.push('server');
  const signer = existing.signer ?? createSigningKeyPair(ca, { commonName: 'cgw archive checkpoint signer', ...options });
  if (!existing.signer) created.push('signer');

  const bundle = { ca, server, signer };
  const fresh: PkiBundle = Object.fromEntries(created.map((member) => [member, bundle[member]]));
  writePkiDir(dir, fresh, { exclusive: true }); // never clobber what another process just wrote
  return { ...bundle, created };
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: tsx certs/dev-pki.ts <pki directory>');
    process.exit(2);
  }
  const { created } = ensureDevPki(dir);
  console.log(created.length ? `created in ${dir}: ${created.join(', ')}` : `${dir} already complete`);
}
