/**
 * Signed checkpoints: every shard's chain head, sealed under the checkpoint
 * signer's key, each checkpoint linked to the previous one. They are what
 * makes rewriting a chain (recomputing every later hash) or truncating it
 * detectable by someone who holds only the CA certificate.
 *
 *   hash      = canonicalHash(body)
 *   signature = base64 RSASSA-PSS(SHA-256, MGF1-SHA-256, salt 32 bytes) over the canonical JSON of
 *               body (the same bytes the hash covers)   e.g. `openssl dgst -sha256 -sigopt
 *               rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -verify signer.pub -signature sig body.json`
 *   signerFingerprint = hex sha256 of the signer certificate's DER
 *
 * The signer certificate travels with the checkpoint; it is trusted only if
 * the CA issued it for checkpoint signing and it was valid at `createdAt`.
 */
import { X509Certificate, constants, createHash, createPrivateKey, sign, verify } from 'node:crypto';
import { checkIssuedCert } from '../../../certs/cert-checks';
import { canonicalJson } from '../../../connectors/canonical/json';

/** One shard's chain head at checkpoint time. */
export interface CheckpointHead {
  shard: number;
  seq: number;
  hash: string;
}

export interface CheckpointBody {
  v: 1;
  /** 1, 2, 3, … with no gaps. */
  checkpointSeq: number;
  /** Epoch ms. */
  createdAt: number;
  /** One per shard, sorted by shard. */
  heads: CheckpointHead[];
  /** `hash` of checkpoint checkpointSeq − 1; null for checkpoint 1. */
  prevCheckpointHash: string | null;
}

export interface SignedCheckpoint {
  body: CheckpointBody;
  hash: string;
  signature: string;
  signerFingerprint: string;
  signerCertPem: string;
}

/** The last verified checkpoint, when verification resumes from it rather than from checkpoint 1. */
export interface CheckpointAnchor {
  checkpointSeq: number;
  hash: string;
  heads: CheckpointHead[];
}

export type CheckpointFindingKind =
  | 'body-invalid' // fields of the wrong type or shape
  | 'hash-mismatch' // `hash` is not the hash of the body
  | 'fingerprint-mismatch' // `signerFingerprint` does not name the embedded certificate
  | 'signature-invalid' // the signature does not verify under the embedded certificate
  | 'signer-untrusted' // the certificate was not issued by the trusted CA (or cannot be read)
  | 'signer-not-valid' // the certificate (or CA) was not valid at createdAt
  | 'signer-usage' // the certificate is not a checkpoint-signer certificate
  | 'seq-step' // checkpointSeq is not the previous one + 1: removed, reordered or duplicated
  | 'prev-mismatch' // prevCheckpointHash is not the previous checkpoint's hash
  | 'head-regressed'; // a shard's head went backwards, or a shard disappeared

export interface CheckpointFinding {
  kind: CheckpointFindingKind;
  /** The checkpointSeq the finding is about, as claimed by that checkpoint. */
  checkpointSeq: number | null;
  detail: string;
}

export type CheckpointErrorCode = 'invalid-body' | 'key-mismatch';

/** A checkpoint cannot be signed. */
export class CheckpointError extends Error {
  constructor(readonly code: CheckpointErrorCode, message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } as const;
const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Sign a checkpoint body with the checkpoint signer's key.
 * @throws CheckpointError ('invalid-body' | 'key-mismatch')
 */
export function signCheckpoint(body: CheckpointBody, signerKeyPem: string, signerCertPem: string): SignedCheckpoint {
  const problems = bodyProblems(body);
  if (problems.length > 0) throw new CheckpointError('invalid-body', `checkpoint body: ${problems.join('; ')}`);
  const cert = new X509Certificate(signerCertPem);
  const key = createPrivateKey(signerKeyPem);
  if (!cert.checkPrivateKey(key)) throw new CheckpointError('key-mismatch', 'the signing key does not belong to the signer certificate');
  const bytes = Buffer.from(canonicalJson(body), 'utf8');
  return {
    body,
    hash: createHash('sha256').update(bytes).digest('hex'),
    signature: sign('sha256', bytes, { key, ...PSS }).toString('base64'),
    signerFingerprint: fingerprint(cert),
    signerCertPem,
  };
}

/** Every problem with one checkpoint on its own (not its place in the sequence); empty when sound. */
export function verifyCheckpoint(signed: SignedCheckpoint, trustedCaPem: string): CheckpointFinding[] {
  const seq = typeof signed.body?.checkpointSeq === 'number' ? signed.body.checkpointSeq : null;
  const found: CheckpointFinding[] = [];
  const report = (kind: CheckpointFindingKind, detail: string) => found.push({ kind, checkpointSeq: seq, detail });

  const problems = bodyProblems(signed.body);
  if (problems.length > 0) {
    report('body-invalid', problems.join('; '));
    return found; // nothing below is meaningful for a body that cannot be serialised
  }
  const bytes = Buffer.from(canonicalJson(signed.body), 'utf8');
  const hash = createHash('sha256').update(bytes).digest('hex');
  if (signed.hash !== hash) report('hash-mismatch', `hash ${signed.hash}, body hashes to ${hash}`);

  let cert: X509Certificate;
  try {
    cert = new X509Certificate(signed.signerCertPem);
  } catch {
    report('signer-untrusted', 'the embedded signer certificate cannot be read');
    return found;
  }
  if (signed.signerFingerprint !== fingerprint(cert)) report('fingerprint-mismatch', `signerFingerprint ${signed.signerFingerprint} does not name the embedded certificate`);
  if (!signatureValid(bytes, signed.signature, cert)) report('signature-invalid', 'the signature does not verify over the body under the signer certificate');

  const kindOf = { unparseable: 'signer-untrusted', untrusted: 'signer-untrusted', 'not-valid-at': 'signer-not-valid', 'wrong-usage': 'signer-usage' } as const;
  for (const problem of checkIssuedCert(signed.signerCertPem, trustedCaPem, { usage: 'checkpoint-signer', at: signed.body.createdAt })) {
    report(kindOf[problem.kind], problem.detail);
  }
  return found;
}

/**
 * Verify checkpoints in the order given (as stored, by checkpointSeq): each on its own, and
 * each linked to the one before. Without `after`, the first must be checkpoint 1.
 */
export function verifyCheckpointSequence(checkpoints: Iterable<SignedCheckpoint>, trustedCaPem: string, after?: CheckpointAnchor): CheckpointFinding[] {
  const found: CheckpointFinding[] = [];
  let previous: CheckpointAnchor | undefined = after;
  for (const signed of checkpoints) {
    const own = verifyCheckpoint(signed, trustedCaPem);
    found.push(...own);
    if (own.some((f) => f.kind === 'body-invalid')) continue;
    found.push(...linkFindings(previous, signed));
    // Link the next one to the stored hash, so one bad checkpoint is reported once, not twice.
    previous = { checkpointSeq: signed.body.checkpointSeq, hash: signed.hash, heads: signed.body.heads };
  }
  return found;
}

function linkFindings(previous: CheckpointAnchor | undefined, signed: SignedCheckpoint): CheckpointFinding[] {
  const { body } = signed;
  const found: CheckpointFinding[] = [];
  const report = (kind: CheckpointFindingKind, detail: string) => found.push({ kind, checkpointSeq: body.checkpointSeq, detail });
  const expectedSeq = previous ? previous.checkpointSeq + 1 : 1;
  if (body.checkpointSeq !== expectedSeq) report('seq-step', `checkpointSeq ${body.checkpointSeq} where ${expectedSeq} was expected`);
  const expectedPrev = previous ? previous.hash : null;
  if (body.prevCheckpointHash !== expectedPrev) report('prev-mismatch', `prevCheckpointHash ${body.prevCheckpointHash}, previous checkpoint's hash is ${expectedPrev}`);
  for (const before of previous?.heads ?? []) {
    const now = body.heads.find((h) => h.shard === before.shard);
    if (!now) report('head-regressed', `shard ${before.shard} is missing`);
    else if (now.seq < before.seq) report('head-regressed', `shard ${before.shard} head went from seq ${before.seq} back to ${now.seq}`);
    else if (now.seq === before.seq && now.hash !== before.hash) report('head-regressed', `shard ${before.shard} head at seq ${now.seq} changed hash`);
  }
  return found;
}

/** Shape checks; messages name fields, never values beyond numbers. */
function bodyProblems(body: CheckpointBody): string[] {
  const problems: string[] = [];
  if (typeof body !== 'object' || body === null) return ['body is not an object'];
  if (body.v !== 1) problems.push('v must be 1');
  if (!Number.isSafeInteger(body.checkpointSeq) || body.checkpointSeq < 1) problems.push('checkpointSeq must be a positive integer');
  if (!Number.isSafeInteger(body.createdAt) || body.createdAt < 0) problems.push('createdAt must be epoch milliseconds');
  if (body.checkpointSeq === 1 ? body.prevCheckpointHash !== null : !(typeof body.prevCheckpointHash === 'string' && HEX64.test(body.prevCheckpointHash))) {
    problems.push('prevCheckpointHash must be null for checkpoint 1 and 64 hex characters after it');
  }
  if (!Array.isArray(body.heads)) return [...problems, 'heads must be an array'];
  body.heads.forEach((head, i) => {
    if (!Number.isSafeInteger(head?.shard) || head.shard < 0) problems.push(`heads[${i}].shard must be a non-negative integer`);
    if (!Number.isSafeInteger(head?.seq) || head.seq < 0) problems.push(`heads[${i}].seq must be a non-negative integer`);
    if (typeof head?.hash !== 'string' || !HEX64.test(head.hash)) problems.push(`heads[${i}].hash must be 64 hex characters`);
    if (i > 0 && !(head?.shard > body.heads[i - 1]!.shard)) problems.push('heads must be sorted by shard, each shard once');
    if (head && Object.keys(head).some((k) => k !== 'shard' && k !== 'seq' && k !== 'hash')) problems.push(`heads[${i}] has unexpected fields`);
  });
  const extra = Object.keys(body).filter((k) => !['v', 'checkpointSeq', 'createdAt', 'heads', 'prevCheckpointHash'].includes(k));
  if (extra.length > 0) problems.push(`unexpected fields: ${extra.join(', ')}`);
  return problems;
}

function signatureValid(bytes: Buffer, signature: string, cert: X509Certificate): boolean {
  if (typeof signature !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return false;
  try {
    return verify('sha256', bytes, { key: cert.publicKey, ...PSS }, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

function fingerprint(cert: X509Certificate): string {
  return createHash('sha256').update(cert.raw).digest('hex');
}
