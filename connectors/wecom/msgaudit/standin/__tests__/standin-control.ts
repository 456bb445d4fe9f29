/**
 * The stand-in-only functions (Standin*), bound with koffi from the same
 * library file the binding under test loads: dlopen returns the same handle
 * for the same path, so both see one fixture, one set of failure modes and
 * one set of counters.
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import * as koffi from 'koffi';
import { writeStandinFixture, type StandinFixture } from './standin-fixture';

/** The SDK entry points whose calls are counted and whose failure modes can be set. */
export type StandinFunction =
  | 'NewSdk' | 'Init' | 'DestroySdk' | 'GetChatData' | 'DecryptData' | 'GetMediaData'
  | 'NewSlice' | 'FreeSlice' | 'NewMediaData' | 'FreeMediaData';

/**
 * Failure modes (the C enum): `error` returns `arg` (the allocators return NULL),
 * `retryable` returns 10001, `bad-json` puts malformed JSON in the slice,
 * `empty-batch` answers an empty chatdata, `slow` sleeps `arg` ms first,
 * `truncated-media` returns half of the chunk while the offset still advances.
 */
export const STANDIN_MODES = { ok: 0, error: 1, retryable: 2, 'bad-json': 3, 'empty-batch': 4, slow: 5, 'truncated-media': 6 } as const;
export type StandinMode = keyof typeof STANDIN_MODES;

/** The arguments of the last GetChatData/GetMediaData call as the stand-in received them. */
export interface StandinLastCall {
  fn: string;
  seq: string;
  limit: number;
  indexbuf: string;
  sdkfileid: string;
  proxy: string;
  passwd: string;
  timeout: number;
}

/** Drives the stand-in from a test. */
export interface StandinControl {
  /** Replace the stand-in's data. @throws Error with the stand-in's reason */
  load(fixture: StandinFixture): void;
  /** Load a fixture file (as CGW_STANDIN_DATA would name it). @throws Error with the stand-in's reason */
  loadFile(path: string): void;
  unload(): void;
  /** Make the next `count` calls of `fn` (default: all until reset) fail or misbehave as `mode`. */
  setMode(fn: StandinFunction, mode: StandinMode, options?: { arg?: number; count?: number }): void;
  resetModes(): void;
  calls(fn: StandinFunction): number;
  resetCalls(): void;
  lastCall(): StandinLastCall | undefined;
  liveAllocations(): number;
  liveSdks(): number;
}

/** Bind the Standin* functions of the library at `libraryPath`. */
export function openStandinControl(libraryPath: string): StandinControl {
  const lib = koffi.load(libraryPath);
  const load = lib.func('int StandinLoad(const char* path)');
  const lastError = lib.func('const char* StandinLastError(void)');
  const unload = lib.func('void StandinUnload(void)');
  const setMode = lib.func('int StandinSetMode(const char* fn, int mode, int arg, int count)');
  const resetModes = lib.func('void StandinResetModes(void)');
  const calls = lib.func('int StandinCalls(const char* fn)');
  const resetCalls = lib.func('void StandinResetCalls(void)');
  const lastCall = lib.func('const char* StandinLastCall(void)');
  const liveAllocations = lib.func('long long StandinLiveAllocations(void)');
  const liveSdks = lib.func('int StandinLiveSdks(void)');

  const loadFile = (path: string): void => {
    if (load(path) !== 0) throw new Error(`the stand-in refused its fixture: ${String(lastError())}`);
  };
  return {
    load: (fixture) => {
      const file = writeStandinFixture(fixture);
      try {
        loadFile(file);
      } finally {
        // The stand-in reads the file whole in StandinLoad; nothing needs it afterwards.
        rmSync(dirname(file), { recursive: true, force: true });
      }
    },
    loadFile,
    unload: () => unload(),
    setMode: (fn, mode, options = {}) => {
      if (setMode(fn, STANDIN_MODES[mode], options.arg ?? 0, options.count ?? -1) !== 0) throw new Error(`the stand-in refused mode ${mode} for ${fn}`);
    },
    resetModes: () => resetModes(),
    calls: (fn) => calls(fn) as number,
    resetCalls: () => resetCalls(),
    lastCall: () => {
      const text = String(lastCall() ?? '');
      return text ? (JSON.parse(text) as StandinLastCall) : undefined;
    },
    liveAllocations: () => Number(liveAllocations()),
    liveSdks: () => liveSdks() as number,
  };
}
