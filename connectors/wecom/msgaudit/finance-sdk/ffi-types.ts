/**
 * The Finance SDK header (`WeWorkFinanceSdk_C.h`, wecom.md §6.3) as koffi
 * declarations. koffi 3 passes every pointer as a bare bigint and does not
 * check its C type, so the TypeScript side brands each pointer kind: passing a
 * Slice_t* where a WeWorkFinanceSdk_t* belongs is a compile error rather than
 * a crash inside the bank's binary.
 */
import * as koffi from 'koffi';

/** `WeWorkFinanceSdk_t*`: the opaque per-corp SDK handle. */
export type SdkHandle = bigint & { readonly __ctype: 'WeWorkFinanceSdk_t*' };
/** `Slice_t*`: SDK-owned output buffer of GetChatData and DecryptData. */
export type SlicePtr = bigint & { readonly __ctype: 'Slice_t*' };
/** `MediaData_t*`: SDK-owned output of GetMediaData. */
export type MediaDataPtr = bigint & { readonly __ctype: 'MediaData_t*' };
/** A `char*` into SDK-owned memory; read it with its length, before the owner is freed. */
export type BytesPtr = bigint & { readonly __ctype: 'char*' };

/** A native function, callable synchronously (quick accessors only) or on koffi's worker threads. */
export type NativeFn<A extends unknown[], R> = ((...args: A) => R) & {
  async(...args: [...A, (err: unknown, result: R) => void]): void;
};

/**
 * The C prototypes, verbatim from the header except one thing: accessors the
 * header declares as returning `char*` are declared `uint8_t*` (same ABI),
 * because koffi would decode a `char*` result as a NUL-terminated string,
 * and media data is binary and JSON is read by its length.
 */
export const PROTOTYPES = {
  NewSdk: 'WeWorkFinanceSdk_t* NewSdk(void)',
  Init: 'int Init(WeWorkFinanceSdk_t* sdk, const char* corpid, const char* secret)',
  DestroySdk: 'void DestroySdk(WeWorkFinanceSdk_t* sdk)',
  GetChatData:
    'int GetChatData(WeWorkFinanceSdk_t* sdk, unsigned long long seq, unsigned int limit, const char* proxy, const char* passwd, int timeout, Slice_t* chatDatas)',
  DecryptData: 'int DecryptData(const char* encrypt_key, const char* encrypt_msg, Slice_t* msg)',
  GetMediaData:
    'int GetMediaData(WeWorkFinanceSdk_t* sdk, const char* indexbuf, const char* sdkFileid, const char* proxy, const char* passwd, int timeout, MediaData_t* media_data)',
  NewSlice: 'Slice_t* NewSlice(void)',
  FreeSlice: 'void FreeSlice(Slice_t* slice)',
  GetContentFromSlice: 'uint8_t* GetContentFromSlice(Slice_t* slice)',
  GetSliceLen: 'int GetSliceLen(Slice_t* slice)',
  NewMediaData: 'MediaData_t* NewMediaData(void)',
  FreeMediaData: 'void FreeMediaData(MediaData_t* media_data)',
  GetOutIndexBuf: 'uint8_t* GetOutIndexBuf(MediaData_t* media_data)',
  GetData: 'uint8_t* GetData(MediaData_t* media_data)',
  GetIndexLen: 'int GetIndexLen(MediaData_t* media_data)',
  GetDataLen: 'int GetDataLen(MediaData_t* media_data)',
  IsMediaDataFinish: 'int IsMediaDataFinish(MediaData_t* media_data)',
} as const;

/** The exported symbols the binding needs. */
export type FinanceSdkSymbol = keyof typeof PROTOTYPES;

const LAYOUTS = {
  // The header's struct layouts; only their sizes matter to the binding (it reads through the accessors).
  Slice_t: { buf: 'char *', len: 'int' },
  MediaData_t: { outindexbuf: 'char *', out_len: 'int', data: 'char *', data_len: 'int', is_finish: 'int' },
} as const;

let declared = false;

/**
 * Declares WeWorkFinanceSdk_t, Slice_t and MediaData_t with koffi, once per
 * process: koffi's type names are process-wide, and jest evaluates this module
 * afresh for every test file in the same process. @throws Error when another
 * module declared one of these names with a different layout
 */
export function declareFinanceSdkTypes(): void {
  if (declared) return;
  declareOnce('WeWorkFinanceSdk_t', () => koffi.opaque('WeWorkFinanceSdk_t'));
  for (const [name, members] of Object.entries(LAYOUTS)) declareOnce(name, () => koffi.struct(name, members), koffi.sizeof(koffi.struct(members)));
  declared = true;
}

function declareOnce(name: string, declare: () => koffi.TypeObject, expectedSize?: number): void {
  let existing: koffi.TypeObject | undefined;
  try {
    existing = koffi.type(name);
  } catch {
    existing = undefined;
  }
  if (!existing) {
    declare();
    return;
  }
  if (expectedSize !== undefined && existing.size !== expectedSize) {
    throw new Error(`koffi type ${name} is already declared with size ${existing.size}, not the Finance SDK header's ${expectedSize}`);
  }
}
