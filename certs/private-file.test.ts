import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrivateFileError, readPrivateFile, writePrivateFileAtomic } from './private-file';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cgw-private-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const posixOnly = process.platform === 'win32' ? it.skip : it;

describe('writePrivateFileAtomic / readPrivateFile', () => {
  posixOnly('writes mode 0600 even under a permissive umask, and reads it back', () => {
    const previous = process.umask(0o000);
    try {
      writePrivateFileAtomic(join(dir, 'secret'), 'top secret');
    } finally {
      process.umask(previous);
    }
    expect(statSync(join(dir, 'secret')).mode & 0o777).toBe(0o600);
    expect(readPrivateFile(join(dir, 'secret')).toString()).toBe('top secret');
  });

  it('replaces an existing file and leaves no temporary file behind', () => {
    const path = join(dir, 'secret');
    writePrivateFileAtomic(path, 'one');
    writePrivateFileAtomic(path, 'two');
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['secret']);
  });

  it('with exclusive, refuses to replace an existing file and keeps its content', () => {
    const path = join(dir, 'secret');
    writePrivateFileAtomic(path, 'first', { exclusive: true });
    expect(() => writePrivateFileAtomic(path, 'second', { exclusive: true })).toThrow(expect.objectContaining({ code: 'exists', path }));
    expect(readFileSync(path, 'utf8')).toBe('first');
    expect(readdirSync(dir)).toEqual(['secret']);
  });

  posixOnly('refuses to read a file group or others can access, naming path, mode and fix, not content', () => {
    const path = join(dir, 'secret');
    writeFileSync(path, 'hunter2');
    chmodSync(path, 0o640);
    let error: unknown;
    try {
      readPrivateFile(path);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PrivateFileError);
    expect(error).toMatchObject({ code: 'insecure-mode', message: `${path} has mode 0640; a secret file must not be accessible by group or others (run: chmod 600 ${path})` });
    expect(String((error as Error).message)).not.toContain('hunter2');
  });

  it('reports a missing file and a directory distinctly', () => {
    expect(() => readPrivateFile(join(dir, 'absent'))).toThrow(expect.objectContaining({ code: 'not-found' }));
    chmodSync(dir, 0o700);
    expect(() => readPrivateFile(dir)).toThrow(expect.objectContaining({ code: 'not-a-file' }));
  });
});
