/**
 * Issuing the internal PKI's certificates: a CA, server certificates (TLS),
 * client certificates (mTLS for internal apps) and the archive-checkpoint
 * signing key. RSA keys come from node:crypto (OpenSSL: ~0.2 s for 3072 bits, where
 * forge's pure-JS keygen takes many seconds); node-forge only builds the
 * X.509 structure, and node:crypto signs it. Everything is PEM: certificates
 * as "CERTIFICATE", private keys as PKCS#8 "PRIVATE KEY" (unencrypted: keep
 * them in files written by private-file.ts, never in the repository).
 */
import { X509Certificate, createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { CHECKPOINT_SIGNER_EKU, extendedKeyUsageDer } from './checkpoint-signer-oid';

/** A certificate and its private key. */
export interface PemPair {
  certPem: string;
  keyPem: string;
}

/** RSA modulus for every key: 3072 bits (NIST SP 800-57: 128-bit strength, good beyond 2030). */
export const RSA_BITS = 3072;

export type PkiErrorCode = 'invalid-request' | 'key-mismatch' | 'not-a-ca';

/** A certificate could not be issued as asked. */
export class PkiError extends Error {
  constructor(readonly code: PkiErrorCode, message: string) {
    super(message);
    this.name = 'PkiError';
  }
}

/** Options shared by every issuing function; `now` is injectable for tests. */
interface Validity {
  validityDays?: number;
  now?: Date;
}

const DNS_NAME = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

// Backdate notBefore so a peer whose clock is a little behind still accepts a fresh certificate.
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A self-signed CA (basicConstraints CA, pathLen 0: it issues leaf certificates only).
 * @throws PkiError('invalid-request')
 */
export function createCa(options: { commonName: string; validityDays: number; now?: Date }): PemPair {
  const key = newRsaKey();
  const subject = [{ name: 'commonName', value: requireName(options.commonName) }];
  return {
    keyPem: key.keyPem,
    certPem: buildCertificate({
      publicKeyPem: key.publicKeyPem,
      subject,
      issuer: subject,
      signerKeyPem: key.keyPem,
      validity: options,
      extensions: [
        { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        { name: 'subjectKeyIdentifier' },
      ],
    }),
  };
}

/**
 * A TLS server certificate for the given DNS names and IP addresses (subjectAltName; CN is the first name).
 * @throws PkiError ('invalid-request' | 'key-mismatch' | 'not-a-ca')
 */
export function issueServerCert(ca: PemPair, options: { dnsNames: string[]; ipAddresses?: string[] } & Validity): PemPair {
  const ipAddresses = options.ipAddresses ?? [];
  if (options.dnsNames.length === 0 && ipAddresses.length === 0) throw new PkiError('invalid-request', 'a server certificate needs at least one DNS name or IP address');
  for (const ip of ipAddresses) if (isIP(ip) === 0) throw new PkiError('invalid-request', `not an IP address: ${ip}`);
  for (const name of options.dnsNames) if (!DNS_NAME.test(name) || name.length > 253) throw new PkiError('invalid-request', `not a DNS name: ${name}`);
  const altNames = [...options.dnsNames.map((value) => ({ type: 2, value })), ...ipAddresses.map((ip) => ({ type: 7, ip }))];
  // Clients match subjectAltName; the CN is only a label, and X.520 caps it at 64 characters.
  const commonName = [...options.dnsNames, ...ipAddresses].find((name) => name.length <= 64) ?? 'cgw server';
  return issueLeaf(ca, commonName, { validityDays: 397, ...options }, [
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
  ]);
}

/**
 * A TLS client certificate (mTLS) for an internal app, identified by its CN.
 * @throws PkiError ('invalid-request' | 'key-mismatch' | 'not-a-ca')
 */
export function issueClientCert(ca: PemPair, options: { commonName: string } & Validity): PemPair {
  return issueLeaf(ca, requireName(options.commonName), { validityDays: 397, ...options }, [
    { name: 'keyUsage', digitalSignature: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
  ]);
}

/**
 * The archive-checkpoint signing key and its certificate: keyUsage digitalSignature only,
 * extendedKeyUsage CHECKPOINT_SIGNER_EKU only, so no TLS key can sign checkpoints and this
 * key cannot serve TLS. Long validity by default (5 years): checkpoints are verified for years.
 * @throws PkiError ('invalid-request' | 'key-mismatch' | 'not-a-ca')
 */
export function createSigningKeyPair(ca: PemPair, options: { commonName: string } & Validity): PemPair {
  return issueLeaf(ca, requireName(options.commonName), { validityDays: 5 * 365, ...options }, [
    { name: 'keyUsage', digitalSignature: true, critical: true },
    // forge cannot encode this OID's 128-bit arc, so the extension's DER is supplied ready-made.
    { id: '2.5.29.37', value: extendedKeyUsageDer([CHECKPOINT_SIGNER_EKU]).toString('binary') },
  ]);
}

function issueLeaf(ca: PemPair, commonName: string, validity: Validity, extensions: object[]): PemPair {
  const caCert = new X509Certificate(ca.certPem);
  if (!caCert.ca) throw new PkiError('not-a-ca', 'the issuing certificate is not a CA certificate');
  if (!caCert.checkPrivateKey(createPrivateKey(ca.keyPem))) throw new PkiError('key-mismatch', 'the CA private key does not belong to the CA certificate');
  const forgeCa = forge.pki.certificateFromPem(ca.certPem);
  const key = newRsaKey();
  return {
    keyPem: key.keyPem,
    certPem: buildCertificate({
      publicKeyPem: key.publicKeyPem,
      subject: [{ name: 'commonName', value: commonName }],
      issuer: forgeCa.subject.attributes,
      signerKeyPem: ca.keyPem,
      validity,
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        ...extensions,
        { name: 'subjectKeyIdentifier' },
        { name: 'authorityKeyIdentifier', keyIdentifier: forge.pki.getPublicKeyFingerprint(forgeCa.publicKey, { type: 'RSAPublicKey' }).getBytes() },
      ],
    }),
  };
}

interface CertificateSpec {
  publicKeyPem: string;
  subject: forge.pki.CertificateField[];
  issuer: forge.pki.CertificateField[];
  signerKeyPem: string;
  validity: Validity;
  extensions: object[];
}

function buildCertificate(spec: CertificateSpec): string {
  const days = spec.validity.validityDays ?? 365;
  if (!Number.isInteger(days) || days < 1) throw new PkiError('invalid-request', 'validityDays must be a positive integer');
  const now = (spec.validity.now ?? new Date()).getTime();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(spec.publicKeyPem);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now - CLOCK_SKEW_MS);
  cert.validity.notAfter = new Date(now + days * DAY_MS);
  cert.setSubject(spec.subject);
  cert.setIssuer(spec.issuer);
  cert.setExtensions(spec.extensions);
  // What forge's cert.sign does, with node:crypto (OpenSSL) doing the RSA operation.
  cert.md = forge.md.sha256.create();
  cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption!;
  const tbs = Buffer.from(forge.asn1.toDer(getTBSCertificate(cert)).getBytes(), 'binary');
  cert.signature = sign('sha256', tbs, spec.signerKeyPem).toString('binary');
  return forge.pki.certificateToPem(cert);
}

// Part of forge's API (x509.js) but missing from @types/node-forge.
const getTBSCertificate = (cert: forge.pki.Certificate): forge.asn1.Asn1 =>
  (forge.pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);

function newRsaKey(): { keyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: RSA_BITS,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { keyPem: privateKey, publicKeyPem: publicKey };
}

/** 128 random bits, positive (top bit clear) and non-zero in the first byte, as RFC 5280 wants. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function requireName(name: string): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 64) throw new PkiError('invalid-request', 'names must be 1–64 characters');
  return name;
}
