import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as koffi from 'koffi';
import { useFinanceStandin } from '../standin/__tests__/use-finance-standin';
import { declareFinanceSdkTypes, PROTOTYPES } from './ffi-types';
import { FinanceSdkLoadError, loadFinanceSdk } from './load-finance-sdk';

const standin = useFinanceStandin();
const scratch = mkdtempSync(join(tmpdir(), 'cgw-finance-sdk-load-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Compile `source` with gcc into `name` in the scratch directory. */
function compile(name: string, source: string, shared = true): string {
  const sourceFile = join(scratch, `${name}.c`);
  const output = join(scratch, name);
  writeFileSync(sourceFile, source);
  execFileSync('gcc', [...(shared ? ['-shared', '-fPIC'] : []), '-o', output, sourceFile]);
  return output;
}

function loadError(path: string): FinanceSdkLoadError {
  try {
    loadFinanceSdk(path);
  } catch (err) {
    expect(err).toBeInstanceOf(FinanceSdkLoadError);
    return err as FinanceSdkLoadError;
  }
  throw new Error(`${path} loaded`);
}

describe('loadFinanceSdk', () => {
  it('binds every function of the header from a library that exports them', () => {
    const sdk = loadFinanceSdk(standin.libraryPath);
    expect(sdk.path).toBe(standin.libraryPath);
    for (const symbol of Object.keys(PROTOTYPES)) expect(typeof (sdk as unknown as Record<string, unknown>)[symbol]).toBe('function');
  });

  it('loads again from a fresh module registry (as each jest file has), reusing koffi\'s process-wide type names', () => {
    loadFinanceSdk(standin.libraryPath);
    jest.isolateModules(() => {
      const fresh = require('./load-finance-sdk') as typeof import('./load-finance-sdk');
      expect(fresh.loadFinanceSdk).not.toBe(loadFinanceSdk);
      expect(() => fresh.loadFinanceSdk(standin.libraryPath)).not.toThrow();
    });
  });

  it('names the file when it does not exist', () => {
    const missing = join(scratch, 'nowhere', 'libWeWorkFinanceSdk_C.so');
    const error = loadError(missing);
    expect(error.message).toContain(missing);
    expect(error.message).toContain('does not exist');
    expect(error.path).toBe(missing);
  });

  it('names the file and the loader reason when it is not a shared library', () => {
    const text = join(scratch, 'not-a-library.so');
    writeFileSync(text, 'this is not ELF');
    const error = loadError(text);
    expect(error.message).toContain(text);
    expect(error.message).toMatch(/cannot load.*(ELF|too short|invalid)/i);
  });

  it('names the file when the path is a directory', () => {
    expect(loadError(scratch).message).toContain('is not a file');
  });

  it('names every symbol a library lacks', () => {
    const partial = compile('libPartial.so', 'void* NewSdk(void) { return 0; }\nint Init(void* s, const char* c, const char* k) { return 0; }\n');
    const error = loadError(partial);
    expect(error.message).toContain(partial);
    expect(error.missingSymbols).toEqual(Object.keys(PROTOTYPES).filter((symbol) => symbol !== 'NewSdk' && symbol !== 'Init'));
    expect(error.message).toContain('DestroySdk');
    expect(error.message).toContain('IsMediaDataFinish');
  });

  it('declares Slice_t and MediaData_t with the layout gcc gives the header', () => {
    const program = compile(
      'layout',
      `#include <stdio.h>
#include <stddef.h>
typedef struct Slice_t { char* buf; int len; } Slice_t;
typedef struct MediaData { char* outindexbuf; int out_len; char* data; int data_len; int is_finish; } MediaData_t;
int main(void) {
  printf("%zu %zu %zu %zu %zu %zu %zu %zu %zu", sizeof(Slice_t), offsetof(Slice_t, len), sizeof(MediaData_t),
         offsetof(MediaData_t, out_len), offsetof(MediaData_t, data), offsetof(MediaData_t, data_len), offsetof(MediaData_t, is_finish),
         offsetof(Slice_t, buf), offsetof(MediaData_t, outindexbuf));
  return 0;
}
`,
      false,
    );
    declareFinanceSdkTypes();
    const koffiLayout = [
      koffi.sizeof('Slice_t'),
      koffi.offsetof('Slice_t', 'len'),
      koffi.sizeof('MediaData_t'),
      koffi.offsetof('MediaData_t', 'out_len'),
      koffi.offsetof('MediaData_t', 'data'),
      koffi.offsetof('MediaData_t', 'data_len'),
      koffi.offsetof('MediaData_t', 'is_finish'),
      koffi.offsetof('Slice_t', 'buf'),
      koffi.offsetof('MediaData_t', 'outindexbuf'),
    ];
    expect(koffiLayout.join(' ')).toBe(execFileSync(program, { encoding: 'utf8' }));
  });
});
