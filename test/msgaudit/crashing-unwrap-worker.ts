/**
 * An unwrap worker that dies on purpose, for the UnwrapPool crash tests: the
 * real worker (serveUnwraps), except that while the marker file of its corp
 * exists (crashMarkerFor), a worker exits with code 70 as soon as it receives
 * a chunk. The file's content says how often: "once" (the one worker that
 * manages to rename it away dies, the others serve) or "always".
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { serveUnwraps, type UnwrapWorkerInit } from '../../gateway/msgaudit/unwrap-worker';

/** The marker that makes the test workers of `corpId`'s pool die (jest's process.env does not reach worker threads, a file does). */
export function crashMarkerFor(corpId: string): string {
  return join(tmpdir(), `cgw-unwrap-crash-${corpId}`);
}

if (!isMainThread && (workerData as UnwrapWorkerInit | undefined)?.cgwUnwrapWorker) {
  const init = workerData as UnwrapWorkerInit;
  const markers = Object.keys(init.keys).map(crashMarkerFor);
  const port = parentPort!;
  // Registered before serveUnwraps' listener, so the chunk is never answered.
  port.on('message', () => {
    const marker = markers.find((m) => existsSync(m));
    if (!marker) return;
    try {
      if (readFileSync(marker, 'utf8') === 'once') renameSync(marker, `${marker}.used`);
    } catch {
      return; // another worker took the one crash
    }
    process.exit(70);
  });
  serveUnwraps(port, init);
}
