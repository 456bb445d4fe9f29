/**
 * Scheduled misbehaviour per API path, so tests can show what the gateway does
 * when Tencent is busy, over quota, down, hung, slow — or takes a message and
 * then loses the answer, which is how a duplicate send arises.
 */
import type { ApiProduct } from './received-log';

/** What Tencent does instead of (or after) answering normally. */
export type Fault =
  /** Answer HTTP 200 with this errcode at once (e.g. -1 system busy, 45009 quota); nothing is accepted. */
  | { kind: 'errcode'; errcode: number }
  /** Answer with this HTTP status (500, 502, 503 …) and an HTML body; nothing is accepted. */
  | { kind: 'status'; status: number }
  /** Never answer; the request stays open until the client gives up (or the simulator closes). */
  | { kind: 'hang' }
  /** Wait `delayMs` of real time, then handle the request normally. */
  | { kind: 'slow'; delayMs: number }
  /** Handle the request normally (a message is accepted and logged), then answer `response` instead, or drop the connection. */
  | { kind: 'accept-then-fail'; response: number | 'drop' };

interface Scheduled {
  fault: Fault;
  remaining: number;
  product?: ApiProduct;
}

/** Faults waiting for their requests, first scheduled first served. */
export class FaultPlan {
  private readonly byPath = new Map<string, Scheduled[]>();

  /**
   * Apply `fault` to the next `times` requests for `path` (e.g. `/cgi-bin/message/custom/send`).
   * `product` limits it to the OA or WeCom listener where both serve the path.
   * @throws RangeError for a non-positive `times` or a nonsensical fault.
   */
  next(path: string, fault: Fault, times = 1, product?: ApiProduct): void {
    if (!(times > 0)) throw new RangeError('times must be positive (Infinity for always)');
    if (fault.kind === 'status' && (fault.status < 400 || fault.status > 599)) throw new RangeError('a status fault needs a 4xx/5xx status');
    if (fault.kind === 'slow' && !(fault.delayMs >= 0)) throw new RangeError('delayMs must be >= 0');
    const queue = this.byPath.get(path) ?? [];
    queue.push({ fault, remaining: times, ...(product ? { product } : {}) });
    this.byPath.set(path, queue);
  }

  /** Drop scheduled faults for `path`, or all of them. */
  clear(path?: string): void {
    if (path === undefined) this.byPath.clear();
    else this.byPath.delete(path);
  }

  /** Requests still to be hit by faults on `path` (all paths when absent). */
  pending(path?: string): number {
    const queues = path === undefined ? [...this.byPath.values()] : [this.byPath.get(path) ?? []];
    return queues.flat().reduce((sum, s) => sum + s.remaining, 0);
  }

  /** The fault for this request, consuming one use; undefined when none applies. */
  take(product: ApiProduct, path: string): Fault | undefined {
    const queue = this.byPath.get(path);
    if (!queue) return undefined;
    const index = queue.findIndex((s) => s.product === undefined || s.product === product);
    const scheduled = queue[index];
    if (!scheduled) return undefined;
    scheduled.remaining -= 1;
    if (scheduled.remaining <= 0) queue.splice(index, 1);
    if (queue.length === 0) this.byPath.delete(path);
    return scheduled.fault;
  }
}
