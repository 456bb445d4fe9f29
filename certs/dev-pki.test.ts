import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkIssuedCert } from './cert-checks';
import { ensureDevPki } from './pki';
import { loadPkiDir } from './pki-dir';

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'cgw-devpki-')), 'pki');
});
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

describe('ensureDevPki', () => {
  it('creates a CA, a localhost server certificate and a checkpoint signer in an empty directory', () => {
    const { created, ...bundle } = ensureDevPki(dir);
    expect(created).toEqual(['ca', 'server', 'signer']);
    expect(readdirSync(dir).sort()).toEqual(['ca.crt', 'ca.key', 'checkpoint-signer.crt', 'checkpoint-signer.key', 'server.crt', 'server.key']);
    const server = new X509Certificate(bundle.server.certPem);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(checkIssuedCert(bundle.server.certPem, bundle.ca.certPem, { usage: 'server', at: Date.now() })).toEqual([]);
    expect(checkIssuedCert(bundle.signer.certPem, bundle.ca.certPem, { usage: 'checkpoint-signer', at: Date.now() })).toEqual([]);
  });

  it('changes nothing when everything exists', () => {
    const first = ensureDevPki(dir);
    const second = ensureDevPki(dir);
    expect(second.created).toEqual([]);
    expect({ ...second, created: [] }).toEqual({ ...first, created: [] });
  });

  it('creates only the missing member, under the existing CA', () => {
    const first = ensureDevPki(dir);
    unlinkSync(join(dir, 'checkpoint-signer.crt'));
    unlinkSync(join(dir, 'checkpoint-signer.key'));
    const second = ensureDevPki(dir);
    expect(second.created).toEqual(['signer']);
    expect(second.ca).toEqual(first.ca);
    expect(second.signer.keyPem).not.toBe(first.signer.keyPem);
    expect(checkIssuedCert(second.signer.certPem, first.ca.certPem, { usage: 'checkpoint-signer', at: Date.now() })).toEqual([]);
  });

  it('refuses to mint a new CA next to certificates issued by a lost one', () => {
    ensureDevPki(dir);
    unlinkSync(join(dir, 'ca.crt'));
    unlinkSync(join(dir, 'ca.key'));
    expect(() => ensureDevPki(dir)).toThrow(/has certificates but no CA/);
  });

  it('works from the command line', () => {
    const tsx = join(__dirname, '..', 'node_modules', '.bin', 'tsx');
    const out = execFileSync(tsx, [join(__dirname, 'dev-pki.ts'), dir], { encoding: 'utf8' });
    expect(out).toBe(`created in ${dir}: ca, server, signer\n`);
    expect(loadPkiDir(dir).signer).toBeDefined();
  });
});
