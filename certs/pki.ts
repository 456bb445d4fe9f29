/**
 * The internal PKI's public entry point: issuing (issue.ts), the PKI
 * directory (pki-dir.ts) and the first-start dev PKI (dev-pki.ts).
 * See README.md for what each certificate is for.
 */
export { RSA_BITS, PkiError, createCa, createSigningKeyPair, issueClientCert, issueServerCert, type PemPair, type PkiErrorCode } from './issue';
export { PKI_FILES, PkiDirError, loadPkiDir, writePkiDir, type PkiBundle, type PkiMember } from './pki-dir';
export { ensureDevPki, type DevPki } from './dev-pki';
export { CHECKPOINT_SIGNER_EKU } from './checkpoint-signer-oid';
export { checkIssuedCert, type CertProblem, type CertProblemKind, type CertUsage } from './cert-checks';
