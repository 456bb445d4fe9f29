import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createCa, issueServerCert } from '../../../certs/pki';
import { TencentApiClient } from './tencent-api-client';

// A TLS-inspecting egress proxy presents certificates from the bank's own CA.
const ca = createCa({ commonName: 'Bank egress inspection CA', validityDays: 2 });
const leaf = issueServerCert(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });

let server: https.Server;
let baseUrl: string;
beforeAll(async () => {
  server = https.createServer({ key: leaf.keyPem, cert: leaf.certPem }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ip_list":["101.226.103.0/25"]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('TencentApiClient over TLS', () => {
  it('trusts a server certificate from the configured extra CA', async () => {
    const client = new TencentApiClient({ product: 'oa', baseUrl, timeoutMs: 3000, ca: ca.certPem });
    try {
      expect(await client.get('/cgi-bin/getcallbackip')).toEqual({ ok: true, body: { ip_list: ['101.226.103.0/25'] } });
    } finally {
      client.close();
    }
  });

  it('refuses it without that CA, before sending, with a hint to configure tencent.caFile', async () => {
    const client = new TencentApiClient({ product: 'oa', baseUrl, timeoutMs: 3000 });
    try {
      const result = await client.get('/cgi-bin/getcallbackip');
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatchObject({ kind: 'connection', delivered: 'no', retry: 'backoff' });
      expect(result.error.hint).toMatch(/tencent\.caFile/);
    } finally {
      client.close();
    }
  });
});
