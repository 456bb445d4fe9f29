import { X509Certificate } from 'node:crypto';
import { checkIssuedCert, keyUsage } from './cert-checks';
import { createCa, createSigningKeyPair, issueServerCert, type PemPair } from './issue';

const T0 = new Date('2026-01-01T00:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
let ca: PemPair;
let signer: PemPair;
beforeAll(() => {
  ca = createCa({ commonName: 'cgw test CA', validityDays: 3650, now: T0 });
  signer = createSigningKeyPair(ca, { commonName: 'signer', validityDays: 365, now: T0 });
});

const kinds = (problems: Array<{ kind: string }>) => problems.map((p) => p.kind);

describe('checkIssuedCert', () => {
  it('accepts a checkpoint signer issued by the CA, inside its validity', () => {
    expect(checkIssuedCert(signer.certPem, ca.certPem, { usage: 'checkpoint-signer', at: T0.getTime() + 100 * DAY })).toEqual([]);
  });

  it('rejects a certificate signed by another CA with the same name as untrusted', () => {
    const impostorCa = createCa({ commonName: 'cgw test CA', validityDays: 3650, now: T0 });
    const impostor = createSigningKeyPair(impostorCa, { commonName: 'signer', now: T0 });
    expect(kinds(checkIssuedCert(impostor.certPem, ca.certPem, { usage: 'checkpoint-signer', at: T0 }))).toEqual(['untrusted']);
  });

  it('reports a certificate used after it expired, or before it was issued', () => {
    expect(kinds(checkIssuedCert(signer.certPem, ca.certPem, { usage: 'checkpoint-signer', at: T0.getTime() + 400 * DAY }))).toEqual(['not-valid-at']);
    expect(kinds(checkIssuedCert(signer.certPem, ca.certPem, { usage: 'checkpoint-signer', at: T0.getTime() - DAY }))).toEqual(['not-valid-at', 'not-valid-at']);
  });

  it('reports a CA that was not valid at that time', () => {
    const shortCa = createCa({ commonName: 'short', validityDays: 10, now: T0 });
    const longSigner = createSigningKeyPair(shortCa, { commonName: 'signer', validityDays: 365, now: T0 });
    const problems = checkIssuedCert(longSigner.certPem, shortCa.certPem, { usage: 'checkpoint-signer', at: T0.getTime() + 20 * DAY });
    expect(problems).toEqual([{ kind: 'not-valid-at', detail: expect.stringMatching(/^CA certificate/) }]);
  });

  it('rejects a server certificate as checkpoint signer', () => {
    const server = issueServerCert(ca, { dnsNames: ['localhost'], now: T0 });
    const problems = checkIssuedCert(server.certPem, ca.certPem, { usage: 'checkpoint-signer', at: T0 });
    expect(problems).toEqual([{ kind: 'wrong-usage', detail: expect.stringContaining('checkpoint-signer') }]);
  });

  it('rejects the CA certificate itself as a leaf', () => {
    const problems = checkIssuedCert(ca.certPem, ca.certPem, { usage: 'checkpoint-signer', at: T0 });
    expect(kinds(problems)).toEqual(['wrong-usage', 'wrong-usage', 'wrong-usage']);
  });

  it('rejects a leaf given as the trusted CA', () => {
    expect(kinds(checkIssuedCert(signer.certPem, signer.certPem, { usage: 'checkpoint-signer', at: T0 }))).toContain('untrusted');
  });

  it('reports garbage as unparseable', () => {
    expect(kinds(checkIssuedCert('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', ca.certPem, { usage: 'server', at: T0 }))).toEqual(['unparseable']);
  });
});

describe('keyUsage', () => {
  it('reads the keyUsage bits of a certificate forge itself cannot parse', () => {
    expect(keyUsage(new X509Certificate(signer.certPem).raw)).toEqual({ digitalSignature: true, keyEncipherment: false, keyCertSign: false });
  });
});
