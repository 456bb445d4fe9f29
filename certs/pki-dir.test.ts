import { chmodSync, mkdtempSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, createSigningKeyPair, issueServerCert, type PemPair } from './issue';
import { loadPkiDir, writePkiDir, type PkiBundle } from './pki-dir';

let root: string;
let bundle: Required<PkiBundle>;
beforeAll(() => {
  const ca: PemPair = createCa({ commonName: 'dir test CA', validityDays: 30 });
  bundle = { ca, server: issueServerCert(ca, { dnsNames: ['localhost'] }), signer: createSigningKeyPair(ca, { commonName: 'signer' }) };
});
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cgw-pki-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const posixOnly = process.platform === 'win32' ? it.skip : it;

describe('writePkiDir / loadPkiDir', () => {
  it('round-trips every pair', () => {
    const dir = join(root, 'pki');
    writePkiDir(dir, bundle);
    expect(loadPkiDir(dir)).toEqual(bundle);
  });

  posixOnly('creates the directory 0700, keys 0600 and certificates 0644', () => {
    const dir = join(root, 'pki');
    writePkiDir(dir, bundle);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const base of ['ca', 'server', 'checkpoint-signer']) {
      expect(statSync(join(dir, `${base}.key`)).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, `${base}.crt`)).mode & 0o777).toBe(0o644);
    }
  });

  it('loads only the pairs present', () => {
    writePkiDir(root, { ca: bundle.ca });
    expect(loadPkiDir(root)).toEqual({ ca: bundle.ca });
  });

  it('refuses a directory holding half a pair', () => {
    writePkiDir(root, bundle);
    unlinkSync(join(root, 'server.key'));
    expect(() => loadPkiDir(root)).toThrow(/server\.key is missing while .*server\.crt exists/);
  });

  posixOnly('refuses a private key readable by others', () => {
    writePkiDir(root, bundle);
    chmodSync(join(root, 'checkpoint-signer.key'), 0o644);
    expect(() => loadPkiDir(root)).toThrow(expect.objectContaining({ code: 'insecure-mode' }));
  });

  it('with exclusive, refuses to overwrite existing files', () => {
    writePkiDir(root, { ca: bundle.ca });
    expect(() => writePkiDir(root, { ca: bundle.server }, { exclusive: true })).toThrow(expect.objectContaining({ code: 'exists' }));
    expect(loadPkiDir(root).ca).toEqual(bundle.ca);
  });
});
