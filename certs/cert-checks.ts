/**
 * Checks that a certificate was issued by our CA, was valid at a given
 * instant, and is meant for a given use. Used to accept a checkpoint's
 * signer (checked at the checkpoint's own time, so a checkpoint signed years
 * ago still verifies after its signer certificate expired) and to vet
 * certificates loaded from disk. One level only: the internal CA issues leaf
 * certificates directly (pathLen 0), so there are no intermediates to walk.
 */
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { CHECKPOINT_SIGNER_EKU } from './checkpoint-signer-oid';

export type CertUsage = 'server' | 'client' | 'checkpoint-signer';

export type CertProblemKind =
  | 'unparseable' // not a PEM certificate
  | 'untrusted' // not issued (signed) by the trusted CA, or the "CA" is not a CA
  | 'not-valid-at' // the leaf or the CA was not valid at the instant asked about
  | 'wrong-usage'; // key usage / extended key usage do not allow this use, or the leaf is a CA

export interface CertProblem {
  kind: CertProblemKind;
  detail: string;
}

const EKU_BY_USAGE: Record<CertUsage, string> = {
  server: '1.3.6.1.5.5.7.3.1',
  client: '1.3.6.1.5.5.7.3.2',
  'checkpoint-signer': CHECKPOINT_SIGNER_EKU,
};

/** Every reason `certPem` cannot be trusted for `usage` at `at` under `trustedCaPem`; empty when it can. */
export function checkIssuedCert(certPem: string, trustedCaPem: string, options: { usage: CertUsage; at: Date | number }): CertProblem[] {
  let cert: X509Certificate;
  let ca: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
    ca = new X509Certificate(trustedCaPem);
  } catch {
    return [{ kind: 'unparseable', detail: 'certificate or CA certificate is not a PEM X.509 certificate' }];
  }
  const problems: CertProblem[] = [];
  const at = new Date(options.at);

  if (!ca.ca) problems.push({ kind: 'untrusted', detail: 'the trusted CA certificate is not a CA certificate' });
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) {
    problems.push({ kind: 'untrusted', detail: `certificate "${cert.subject}" was not issued by the trusted CA "${ca.subject}"` });
  }
  for (const [what, c] of [['certificate', cert], ['CA certificate', ca]] as const) {
    if (at < c.validFromDate || at > c.validToDate) {
      problems.push({ kind: 'not-valid-at', detail: `${what} is valid ${c.validFromDate.toISOString()}..${c.validToDate.toISOString()}, not at ${at.toISOString()}` });
    }
  }

  if (cert.ca) problems.push({ kind: 'wrong-usage', detail: 'a CA certificate cannot be used as a leaf' });
  const flags = keyUsage(cert.raw);
  if (!flags?.digitalSignature) problems.push({ kind: 'wrong-usage', detail: 'keyUsage does not include digitalSignature' });
  const wanted = EKU_BY_USAGE[options.usage];
  if (!(cert.keyUsage ?? []).includes(wanted)) problems.push({ kind: 'wrong-usage', detail: `extendedKeyUsage does not include ${options.usage} (${wanted})` });
  return problems;
}

/** keyUsage bits of a DER certificate (null when the extension is absent). */
export function keyUsage(der: Buffer): { digitalSignature: boolean; keyEncipherment: boolean; keyCertSign: boolean } | null {
  // Walk the DER with forge's low-level parser, which leaves OIDs as bytes: its OID decoder
  // throws on the checkpoint signer's 128-bit arc, and node:crypto does not expose these bits.
  const certificate = fromDer(der.toString('binary'));
  const tbs = children(certificate)[0];
  const extensionsTag = children(tbs).find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 3);
  const extensions = children(children(extensionsTag)[0]);
  for (const extension of extensions) {
    const [id, ...rest] = children(extension);
    if (id?.value !== KEY_USAGE_OID) continue;
    const octets = rest.at(-1)?.value;
    if (typeof octets !== 'string') return null;
    const bits = fromDer(octets).value;
    // BIT STRING content: unused-bit count, then the bits, most significant first (RFC 5280 §4.2.1.3).
    const first = typeof bits === 'string' ? bits.charCodeAt(1) || 0 : 0;
    return { digitalSignature: (first & 0x80) !== 0, keyEncipherment: (first & 0x20) !== 0, keyCertSign: (first & 0x04) !== 0 };
  }
  return null;
}

/** forge's parser without its guess that a BIT STRING holds nested DER (@types/node-forge omits the options form). */
const fromDer = (bytes: string): forge.asn1.Asn1 =>
  (forge.asn1.fromDer as unknown as (bytes: string, options: { decodeBitStrings: boolean }) => forge.asn1.Asn1)(bytes, { decodeBitStrings: false });

/** 2.5.29.15 as DER content bytes. */
const KEY_USAGE_OID = '\x55\x1d\x0f';

function children(node: forge.asn1.Asn1 | undefined): forge.asn1.Asn1[] {
  return node && Array.isArray(node.value) ? node.value : [];
}
