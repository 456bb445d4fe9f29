import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash, createPublicKey, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, createSigningKeyPair, issueServerCert, type PemPair } from '../../../certs/pki';
import { canonicalHash, canonicalJson } from '../../../connectors/canonical/json';
import { genesisHash } from './chain';
import { signCheckpoint, verifyCheckpoint, verifyCheckpointSequence, type CheckpointBody, type SignedCheckpoint } from './checkpoint';

const T0 = new Date('2026-01-01T00:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
let ca: PemPair;
let signer: PemPair;

beforeAll(() => {
  ca = createCa({ commonName: 'cgw archive CA', validityDays: 3650, now: T0 });
  signer = createSigningKeyPair(ca, { commonName: 'checkpoint signer', validityDays: 365, now: T0 });
});

const hex = () => randomBytes(32).toString('hex');

function body(checkpointSeq: number, prevCheckpointHash: string | null, createdAt = T0.getTime() + checkpointSeq * 60_000): CheckpointBody {
  return {
    v: 1,
    checkpointSeq,
    createdAt,
    heads: [
      { shard: 0, seq: checkpointSeq * 10, hash: hex() },
      { shard: 1, seq: checkpointSeq * 7, hash: hex() },
      { shard: 2, seq: 0, hash: genesisHash(2) },
    ],
    prevCheckpointHash,
  };
}

/** A valid sequence of `count` checkpoints, 1..count. */
function sequence(count: number): SignedCheckpoint[] {
  const out: SignedCheckpoint[] = [];
  for (let seq = 1; seq <= count; seq++) out.push(signCheckpoint(body(seq, out.at(-1)?.hash ?? null), signer.keyPem, signer.certPem));
  return out;
}

const kinds = (findings: Array<{ kind: string }>) => findings.map((f) => f.kind);

describe('signCheckpoint', () => {
  it('hashes the canonical body, fingerprints the signer certificate DER, and verifies clean', () => {
    const signed = signCheckpoint(body(1, null), signer.keyPem, signer.certPem);
    expect(signed.hash).toBe(canonicalHash(signed.body));
    expect(signed.signerFingerprint).toBe(createHash('sha256').update(new X509Certificate(signer.certPem).raw).digest('hex'));
    expect(signed.signerCertPem).toBe(signer.certPem);
    expect(verifyCheckpoint(signed, ca.certPem)).toEqual([]);
  });

  const openssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  (openssl ? it : it.skip)('produces a signature the documented openssl command verifies (RSASSA-PSS, SHA-256, salt 32)', () => {
    const signed = signCheckpoint(body(1, null), signer.keyPem, signer.certPem);
    const dir = mkdtempSync(join(tmpdir(), 'cgw-ckpt-'));
    try {
      writeFileSync(join(dir, 'body.json'), canonicalJson(signed.body));
      writeFileSync(join(dir, 'sig'), Buffer.from(signed.signature, 'base64'));
      writeFileSync(join(dir, 'signer.pub'), createPublicKey(signed.signerCertPem).export({ type: 'spki', format: 'pem' }));
      const out = execFileSync('openssl', ['dgst', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32', '-verify', join(dir, 'signer.pub'), '-signature', join(dir, 'sig'), join(dir, 'body.json')], { encoding: 'utf8' });
      expect(out.trim()).toBe('Verified OK');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['unsorted heads', (b: CheckpointBody) => ({ ...b, heads: [...b.heads].reverse() })],
    ['a head hash that is not hex', (b: CheckpointBody) => ({ ...b, heads: [{ ...b.heads[0]!, hash: 'zz' }] })],
    ['a prevCheckpointHash on checkpoint 1', (b: CheckpointBody) => ({ ...b, prevCheckpointHash: hex() })],
    ['a fractional createdAt', (b: CheckpointBody) => ({ ...b, createdAt: 1.5 })],
    ['an extra field', (b: CheckpointBody) => ({ ...b, note: 'x' })],
  ])('refuses to sign a body with %s', (_what, mutate) => {
    expect(() => signCheckpoint(mutate(body(1, null)) as CheckpointBody, signer.keyPem, signer.certPem)).toThrow(expect.objectContaining({ code: 'invalid-body' }));
  });

  it('refuses a key that does not belong to the certificate', () => {
    expect(() => signCheckpoint(body(1, null), ca.keyPem, signer.certPem)).toThrow(expect.objectContaining({ code: 'key-mismatch' }));
  });
});

describe('verifyCheckpoint', () => {
  it('detects a forged body (changed head hash) as hash-mismatch and signature-invalid', () => {
    const signed = signCheckpoint(body(1, null), signer.keyPem, signer.certPem);
    const forged = { ...signed, body: { ...signed.body, heads: [{ ...signed.body.heads[0]!, hash: hex() }, ...signed.body.heads.slice(1)] } };
    expect(kinds(verifyCheckpoint(forged, ca.certPem))).toEqual(['hash-mismatch', 'signature-invalid']);
  });

  it('detects a forged body whose hash was recomputed by its signature', () => {
    const signed = signCheckpoint(body(1, null), signer.keyPem, signer.certPem);
    const forgedBody = { ...signed.body, heads: signed.body.heads.map((h) => (h.shard === 1 ? { ...h, seq: h.seq - 1 } : h)) };
    expect(kinds(verifyCheckpoint({ ...signed, body: forgedBody, hash: canonicalHash(forgedBody) }, ca.certPem))).toEqual(['signature-invalid']);
  });

  it('detects a forged signature', () => {
    const signed = signCheckpoint(body(1, null), signer.keyPem, signer.certPem);
    const bytes = Buffer.from(signed.signature, 'base64');
    bytes[100]! ^= 0x01;
    expect(kinds(verifyCheckpoint({ ...signed, signature: bytes.toString('base64') }, ca.certPem))).toEqual(['signature-invalid']);
    const other = signCheckpoint(body(2, hex()), signer.keyPem, signer.certPem);
    expect(kinds(verifyCheckpoint({ ...signed, signature: other.signature }, ca.certPem))).toEqual(['signature-invalid']);
    expect(kinds(verifyCheckpoint({ ...signed, signature: 'not base64!' }, ca.certPem))).toEqual(['signature-invalid']);
  });

  it('rejects a checkpoint signed by a key the CA did not issue, even with a same-named certificate', () => {
    const impostorCa = createCa({ commonName: 'cgw archive CA', validityDays: 3650, now: T0 });
    const impostor = createSigningKeyPair(impostorCa, { commonName: 'checkpoint signer', now: T0 });
    const forged = signCheckpoint(body(1, null), impostor.keyPem, impostor.certPem);
    expect(kinds(verifyCheckpoint(forged, ca.certPem))).toEqual(['signer-untrusted']);
  });

  it('rejects an impostor signature presented with the genuine signer certificate', () => {
    const impostorCa = createCa({ commonName: 'x', validityDays: 30, now: T0 });
    const impostor = createSigningKeyPair(impostorCa, { commonName: 'x', now: T0 });
    const genuine = signCheckpoint(body(1, null), signer.keyPem, signer.certPem);
    const forged = signCheckpoint(genuine.body, impostor.keyPem, impostor.certPem);
    expect(kinds(verifyCheckpoint({ ...forged, signerCertPem: genuine.signerCertPem }, ca.certPem))).toEqual(['fingerprint-mismatch', 'signature-invalid']);
    expect(kinds(verifyCheckpoint({ ...forged, signerCertPem: genuine.signerCertPem, signerFingerprint: genuine.signerFingerprint }, ca.certPem))).toEqual(['signature-invalid']);
  });

  it('rejects a checkpoint signed with a TLS key from the same CA', () => {
    const server = issueServerCert(ca, { dnsNames: ['localhost'], now: T0 });
    expect(kinds(verifyCheckpoint(signCheckpoint(body(1, null), server.keyPem, server.certPem), ca.certPem))).toEqual(['signer-usage']);
  });

  it('judges the signer at createdAt: fine years after the certificate expired, not when signed outside its validity', () => {
    const inValidity = signCheckpoint(body(1, null, T0.getTime() + 100 * DAY), signer.keyPem, signer.certPem);
    expect(verifyCheckpoint(inValidity, ca.certPem)).toEqual([]); // the signer expired at T0 + 365 days, long before "now" in this test
    const afterExpiry = signCheckpoint(body(1, null, T0.getTime() + 400 * DAY), signer.keyPem, signer.certPem);
    expect(kinds(verifyCheckpoint(afterExpiry, ca.certPem))).toEqual(['signer-not-valid']);
  });

  it('reports a body of the wrong shape as body-invalid without throwing', () => {
    const signed = signCheckpoint(body(1, null), signer.keyPem, signer.certPem);
    const broken = { ...signed, body: { ...signed.body, heads: 'none' } } as unknown as SignedCheckpoint;
    expect(kinds(verifyCheckpoint(broken, ca.certPem))).toEqual(['body-invalid']);
  });

  it('reports an unreadable signer certificate as signer-untrusted', () => {
    const signed = signCheckpoint(body(1, null), signer.keyPem, signer.certPem);
    expect(kinds(verifyCheckpoint({ ...signed, signerCertPem: 'garbage' }, ca.certPem))).toEqual(['signer-untrusted']);
  });
});

describe('verifyCheckpointSequence', () => {
  it('finds nothing in an intact sequence', () => {
    expect(verifyCheckpointSequence(sequence(5), ca.certPem)).toEqual([]);
  });

  it('detects a checkpoint removed from the middle', () => {
    const checkpoints = sequence(5);
    checkpoints.splice(2, 1); // checkpoint 3
    expect(verifyCheckpointSequence(checkpoints, ca.certPem).map((f) => [f.kind, f.checkpointSeq])).toEqual([
      ['seq-step', 4],
      ['prev-mismatch', 4],
    ]);
  });

  it('detects reordered checkpoints', () => {
    const checkpoints = sequence(5);
    [checkpoints[2], checkpoints[3]] = [checkpoints[3]!, checkpoints[2]!];
    const findings = verifyCheckpointSequence(checkpoints, ca.certPem).map((f) => [f.kind, f.checkpointSeq]);
    expect(findings).toEqual([
      ['seq-step', 4],
      ['prev-mismatch', 4],
      ['seq-step', 3],
      ['prev-mismatch', 3],
      ['head-regressed', 3],
      ['head-regressed', 3],
      ['seq-step', 5],
      ['prev-mismatch', 5],
    ]);
  });

  it('detects a sequence that does not start at checkpoint 1', () => {
    expect(kinds(verifyCheckpointSequence(sequence(3).slice(1), ca.certPem))).toEqual(['seq-step', 'prev-mismatch']);
  });

  it('resumes from a previously verified checkpoint', () => {
    const checkpoints = sequence(5);
    const anchor = { checkpointSeq: 3, hash: checkpoints[2]!.hash, heads: checkpoints[2]!.body.heads };
    expect(verifyCheckpointSequence(checkpoints.slice(3), ca.certPem, anchor)).toEqual([]);
  });

  it('detects a validly signed checkpoint whose shard head went backwards or vanished', () => {
    const [first] = sequence(1);
    const regressed = body(2, first!.hash);
    regressed.heads = [{ ...regressed.heads[0]!, seq: first!.body.heads[0]!.seq - 1 }, regressed.heads[1]!];
    const findings = verifyCheckpointSequence([first!, signCheckpoint(regressed, signer.keyPem, signer.certPem)], ca.certPem);
    expect(findings.map((f) => [f.kind, f.detail])).toEqual([
      ['head-regressed', 'shard 0 head went from seq 10 back to 9'],
      ['head-regressed', 'shard 2 is missing'],
    ]);
  });
});
