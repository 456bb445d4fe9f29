import { X509Certificate, createPublicKey, sign, verify, constants } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { checkIssuedCert, keyUsage } from './cert-checks';
import { CHECKPOINT_SIGNER_EKU } from './checkpoint-signer-oid';
import { RSA_BITS, createCa, createSigningKeyPair, issueClientCert, issueServerCert, type PemPair } from './issue';

let ca: PemPair;
let otherCa: PemPair;
let server: PemPair;
beforeAll(() => {
  ca = createCa({ commonName: 'test CA', validityDays: 30 });
  otherCa = createCa({ commonName: 'test CA', validityDays: 30 }); // same name, different key
  server = issueServerCert(ca, { dnsNames: ['localhost', 'gateway.bank.internal'], ipAddresses: ['127.0.0.1', '::1'] });
});

describe('createCa', () => {
  it('makes a self-signed RSA 3072 CA certificate with its PKCS#8 key', () => {
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toBe('CN=test CA');
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(RSA_BITS);
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(keyUsage(cert.raw)).toEqual({ digitalSignature: false, keyEncipherment: false, keyCertSign: true });
  });

  it('is valid for the requested number of days, backdated a few minutes for clock skew', () => {
    const now = new Date('2026-11-23T12:00:00Z');
    const cert = new X509Certificate(createCa({ commonName: 'x', validityDays: 3650, now }).certPem);
    expect(cert.validToDate.toISOString()).toBe('2036-11-20T12:00:00.000Z');
    expect(cert.validFromDate.toISOString()).toBe('2026-11-23T11:55:00.000Z');
  });
});

describe('issueServerCert', () => {
  it('issues a certificate the CA verifies, for every DNS name and IP asked', () => {
    const cert = new X509Certificate(server.certPem);
    expect(checkIssuedCert(server.certPem, ca.certPem, { usage: 'server', at: Date.now() })).toEqual([]);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkHost('gateway.bank.internal')).toBe('gateway.bank.internal');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkIP('::1')).toBe('::1');
    expect(cert.checkHost('evil.example')).toBeUndefined();
    expect(cert.ca).toBe(false);
  });

  it('is not accepted as a client or checkpoint-signer certificate', () => {
    expect(checkIssuedCert(server.certPem, ca.certPem, { usage: 'client', at: Date.now() }).map((p) => p.kind)).toEqual(['wrong-usage']);
    expect(checkIssuedCert(server.certPem, ca.certPem, { usage: 'checkpoint-signer', at: Date.now() }).map((p) => p.kind)).toEqual(['wrong-usage']);
  });

  it('gives every certificate a distinct positive serial number', () => {
    const serials = [ca, otherCa, server].map((p) => new X509Certificate(p.certPem).serialNumber);
    expect(new Set(serials).size).toBe(3);
    for (const serial of serials) expect(parseInt(serial.slice(0, 2), 16)).toBeLessThan(0x80);
  });

  it.each([
    ['no names at all', { dnsNames: [] }],
    ['a malformed IP address', { dnsNames: ['localhost'], ipAddresses: ['127.0.0.256'] }],
    ['a malformed DNS name', { dnsNames: ['bad name'] }],
  ])('refuses %s', (_what, request) => {
    expect(() => issueServerCert(ca, request)).toThrow(expect.objectContaining({ name: 'PkiError', code: 'invalid-request' }));
  });

  it('refuses a CA key that does not belong to the CA certificate', () => {
    expect(() => issueServerCert({ certPem: ca.certPem, keyPem: otherCa.keyPem }, { dnsNames: ['localhost'] })).toThrow(
      expect.objectContaining({ code: 'key-mismatch' }),
    );
  });

  it('refuses to issue from a leaf certificate', () => {
    expect(() => issueServerCert(server, { dnsNames: ['localhost'] })).toThrow(expect.objectContaining({ code: 'not-a-ca' }));
  });
});

describe('mutual TLS with the issued certificates', () => {
  async function handshake(clientPair: PemPair): Promise<{ ok: boolean; peerCn?: string }> {
    const tlsServer = tls.createServer({ key: server.keyPem, cert: server.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true });
    const peers: string[] = [];
    tlsServer.on('secureConnection', (socket) => {
      peers.push(String(socket.getPeerCertificate().subject?.CN));
      socket.end('ok');
    });
    tlsServer.on('tlsClientError', () => undefined);
    tlsServer.listen(0, '127.0.0.1');
    await once(tlsServer, 'listening');
    const { port } = tlsServer.address() as AddressInfo;
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: ca.certPem, key: clientPair.keyPem, cert: clientPair.certPem });
        let data = '';
        socket.on('data', (chunk) => (data += chunk));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
        socket.on('close', () => resolve(data));
      });
      return { ok: reply === 'ok', peerCn: peers[0] };
    } finally {
      tlsServer.close();
    }
  }

  it('accepts a client certificate issued by the CA and sees its CN', async () => {
    const client = issueClientCert(ca, { commonName: 'crm-app' });
    expect(await handshake(client)).toEqual({ ok: true, peerCn: 'crm-app' });
  });

  it('rejects a client certificate from another CA with the same name', async () => {
    const stranger = issueClientCert(otherCa, { commonName: 'crm-app' });
    const result = await handshake(stranger).catch(() => ({ ok: false }));
    expect(result.ok).toBe(false);
  });
});

describe('issueClientCert', () => {
  it('issues a clientAuth certificate named by its CN, not usable as a server certificate', () => {
    const client = issueClientCert(ca, { commonName: 'marketing-bot' });
    expect(new X509Certificate(client.certPem).subject).toBe('CN=marketing-bot');
    expect(checkIssuedCert(client.certPem, ca.certPem, { usage: 'client', at: Date.now() })).toEqual([]);
    expect(checkIssuedCert(client.certPem, ca.certPem, { usage: 'server', at: Date.now() }).map((p) => p.kind)).toEqual(['wrong-usage']);
  });
});

describe('createSigningKeyPair', () => {
  let signer: PemPair;
  beforeAll(() => {
    signer = createSigningKeyPair(ca, { commonName: 'checkpoint signer' });
  });

  it('marks the certificate with the checkpoint-signer EKU only, and digitalSignature only', () => {
    const cert = new X509Certificate(signer.certPem);
    expect(cert.keyUsage).toEqual([CHECKPOINT_SIGNER_EKU]);
    expect(keyUsage(cert.raw)).toEqual({ digitalSignature: true, keyEncipherment: false, keyCertSign: false });
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(RSA_BITS);
    expect(checkIssuedCert(signer.certPem, ca.certPem, { usage: 'checkpoint-signer', at: Date.now() })).toEqual([]);
  });

  it('cannot serve TLS', () => {
    expect(checkIssuedCert(signer.certPem, ca.certPem, { usage: 'server', at: Date.now() }).map((p) => p.kind)).toContain('wrong-usage');
  });

  it('produces RSASSA-PSS signatures its certificate verifies', () => {
    const data = Buffer.from('{"checkpointSeq":1}');
    const options = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    const signature = sign('sha256', data, { key: signer.keyPem, ...options });
    const publicKey = createPublicKey(signer.certPem);
    expect(verify('sha256', data, { key: publicKey, ...options }, signature)).toBe(true);
  });
});
