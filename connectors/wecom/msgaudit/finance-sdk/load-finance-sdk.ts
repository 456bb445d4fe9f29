/**
 * Loads the bank-supplied Finance SDK (`libWeWorkFinanceSdk_C.so`) at run
 * time and binds every function of its C API (ffi-types.ts). A wrong path, a
 * file that is not a loadable library (or misses a dependency such as
 * OpenSSL), and a library without one of the SDK's symbols each fail here,
 * at start, with the file and the symbols named — not at the first pull.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import * as koffi from 'koffi';
import { declareFinanceSdkTypes, PROTOTYPES, type BytesPtr, type FinanceSdkSymbol, type MediaDataPtr, type NativeFn, type SdkHandle, type SlicePtr } from './ffi-types';

/** The bound C API; pointer results are null where the C function returned NULL. */
export interface FinanceSdkBinding {
  /** The absolute path the library was loaded from. */
  readonly path: string;
  readonly NewSdk: NativeFn<[], SdkHandle | null>;
  readonly Init: NativeFn<[SdkHandle, string, string], number>;
  readonly DestroySdk: NativeFn<[SdkHandle], void>;
  readonly GetChatData: NativeFn<[SdkHandle, bigint, number, string, string, number, SlicePtr], number>;
  readonly DecryptData: NativeFn<[string, string, SlicePtr], number>;
  readonly GetMediaData: NativeFn<[SdkHandle, string, string, string, string, number, MediaDataPtr], number>;
  readonly NewSlice: NativeFn<[], SlicePtr | null>;
  readonly FreeSlice: NativeFn<[SlicePtr], void>;
  readonly GetContentFromSlice: NativeFn<[SlicePtr], BytesPtr | null>;
  readonly GetSliceLen: NativeFn<[SlicePtr], number>;
  readonly NewMediaData: NativeFn<[], MediaDataPtr | null>;
  readonly FreeMediaData: NativeFn<[MediaDataPtr], void>;
  readonly GetOutIndexBuf: NativeFn<[MediaDataPtr], BytesPtr | null>;
  readonly GetData: NativeFn<[MediaDataPtr], BytesPtr | null>;
  readonly GetIndexLen: NativeFn<[MediaDataPtr], number>;
  readonly GetDataLen: NativeFn<[MediaDataPtr], number>;
  readonly IsMediaDataFinish: NativeFn<[MediaDataPtr], number>;
}

/** Why the library could not be used; names the file, and the missing symbols if any. */
export class FinanceSdkLoadError extends Error {
  override readonly name = 'FinanceSdkLoadError';
  /** The logger's serializer prints this: a path and symbol names, nothing secret. */
  readonly safeMessage: string;
  constructor(
    message: string,
    readonly path: string,
    readonly missingSymbols: readonly string[] = [],
  ) {
    super(message);
    this.safeMessage = message;
  }
}

/** Options for loadFinanceSdk. */
export interface LoadFinanceSdkOptions {
  /**
   * Load with RTLD_DEEPBIND (default true on Linux): the SDK links its own
   * libcurl/OpenSSL, and Node exports OpenSSL symbols of its own version;
   * deep binding makes the SDK resolve its dependencies before Node's.
   */
  deepBind?: boolean;
}

/** Load the Finance SDK library at `path` and bind its C API. @throws FinanceSdkLoadError naming the file, or the symbols it lacks */
export function loadFinanceSdk(path: string, options: LoadFinanceSdkOptions = {}): FinanceSdkBinding {
  const file = resolve(path);
  assertRegularFile(file);
  declareFinanceSdkTypes();
  let lib: koffi.LibraryHandle;
  try {
    lib = koffi.load(file, { deep: options.deepBind ?? process.platform === 'linux' });
  } catch (err) {
    // koffi's message carries dlerror's reason (wrong ELF class, missing libssl.so.3, …).
    throw new FinanceSdkLoadError(`cannot load the Finance SDK library ${file}: ${(err as Error).message}`, file);
  }
  const bound: Partial<Record<FinanceSdkSymbol, unknown>> = {};
  const missing: string[] = [];
  for (const [symbol, prototype] of Object.entries(PROTOTYPES) as [FinanceSdkSymbol, string][]) {
    try {
      bound[symbol] = lib.func(prototype);
    } catch {
      missing.push(symbol);
    }
  }
  if (missing.length > 0) {
    lib.unload();
    throw new FinanceSdkLoadError(
      `${file} is not the Finance SDK (libWeWorkFinanceSdk_C.so): it does not export ${missing.join(', ')}`,
      file,
      missing,
    );
  }
  return { path: file, ...bound } as unknown as FinanceSdkBinding;
}

function assertRegularFile(file: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FinanceSdkLoadError(`the Finance SDK library ${file} ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`, file);
  }
  if (!isFile) throw new FinanceSdkLoadError(`the Finance SDK library ${file} is not a file`, file);
}
