/**
 * Compiles the Finance SDK stand-in (../finance_sdk_standin.c) into
 * `libWeWorkFinanceSdk_C.so` under os.tmpdir(), cached by a hash of the
 * sources, the flags and the compiler version, so each test file pays the
 * gcc run only the first time. Concurrent jest workers may race to build
 * it: each compiles to its own temporary name and renames atomically.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The stand-in's C source (it includes standin_json.h). */
export const STANDIN_SOURCE = join(__dirname, '..', 'finance_sdk_standin.c');
const STANDIN_SOURCES = [STANDIN_SOURCE, join(__dirname, '..', 'standin_json.h')];
/** The same file name the bank's SDK has, so demo mode and tests load it exactly like the real one. */
export const STANDIN_LIBRARY_NAME = 'libWeWorkFinanceSdk_C.so';
const FLAGS = ['-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-fvisibility=hidden'];

/** Build (or reuse) the stand-in library; its absolute path. @throws Error naming the missing compiler or quoting gcc's diagnostics */
export function buildStandin(compiler = process.env.CC ?? 'gcc'): string {
  const version = compilerVersion(compiler);
  const hasher = createHash('sha256');
  for (const file of STANDIN_SOURCES) hasher.update(readFileSync(file));
  const hash = hasher.update(FLAGS.join(' ')).update(version).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'cgw-finance-sdk-standin', hash);
  const library = join(dir, STANDIN_LIBRARY_NAME);
  if (existsSync(library)) return library;
  mkdirSync(dir, { recursive: true });
  const partial = `${library}.${process.pid}.${Date.now()}.tmp`;
  try {
    execFileSync(compiler, [...FLAGS, '-o', partial, STANDIN_SOURCE, '-lpthread'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    rmSync(partial, { force: true });
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '');
    throw new Error(`compiling the Finance SDK stand-in ${STANDIN_SOURCE} with ${compiler} failed:\n${stderr}`);
  }
  renameSync(partial, library);
  return library;
}

function compilerVersion(compiler: string): string {
  try {
    return execFileSync(compiler, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        `the Finance SDK stand-in is compiled by the tests, but the C compiler "${compiler}" is not on PATH: install gcc (apt-get install gcc) or set CC`,
      );
    }
    throw new Error(`running "${compiler} --version" failed: ${(err as Error).message}`);
  }
}
