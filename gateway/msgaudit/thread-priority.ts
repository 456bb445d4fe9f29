/**
 * The RSA unwrap workers run at a lower CPU priority than the rest of the
 * process. Their work can run ahead (the puller reads batches ahead), while
 * the event loop's cannot: it commits the batches in order, answers HTTP and
 * serves every other corp. At the same priority, one busy worker per core
 * takes an equal share of the CPU from the event loop and from PostgreSQL,
 * so commits slow down and the workers then sit idle with the read-ahead
 * full; niced, they take the CPU the others leave, and the machine stays
 * busy (on 2 cores ingestion went from ~89 % to ~95 % of the CPU, and
 * faster in proportion: bench/msgaudit.bench.ts).
 *
 * Linux only: there a thread has a nice value of its own, set with
 * setpriority(PRIO_PROCESS, tid). Elsewhere, or where it is refused, the
 * workers keep the process's priority and work as before.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Nice value of an unwrap worker thread (the event loop keeps the process's, normally 0). 5 is enough: CFS
 * weighs nice 0 at 1024 and nice 5 at 335, so beside two busy workers the event loop still gets a whole core;
 * a larger value would starve the workers whenever other nice-0 work runs on the host.
 */
export const UNWRAP_WORKER_NICE = 5;

/** Lower the calling thread's priority to `nice`; false when the platform does not allow it (nothing changed). */
export function lowerThreadPriority(nice: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    // "<pid>/task/<tid>": the kernel's id of this thread (Node does not expose gettid).
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
