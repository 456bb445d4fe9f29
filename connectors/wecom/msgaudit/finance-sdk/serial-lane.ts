/**
 * Runs native calls one after another, each with a deadline for its caller.
 * The SDK documents no thread-safety, and koffi runs async calls on worker
 * threads, so calls that share a handle must not overlap. A deadline rejects
 * the caller's promise but does not release the lane: the native call keeps
 * the handle until it really returns, and only then does the next call start
 * (its own deadline starting then too).
 */

/** A queue of native calls that never overlap. */
export class SerialLane {
  private tail: Promise<void> = Promise.resolve();

  /** Run `task` after every earlier task has finished; reject with `onDeadline()` if it has not settled `deadlineMs` after it started. */
  run<T>(task: () => Promise<T>, deadlineMs: number, onDeadline: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = async (): Promise<void> => {
        const timer = setTimeout(() => reject(onDeadline()), deadlineMs);
        try {
          resolve(await task());
        } catch (err) {
          reject(err);
        } finally {
          clearTimeout(timer);
        }
      };
      this.tail = this.tail.then(start);
    });
  }

  /** Queue `task` (quick, synchronous: e.g. a DestroySdk) after every earlier task; resolves when it has run. */
  then(task: () => void): Promise<void> {
    const done = this.tail.then(task);
    this.tail = done.catch(() => undefined);
    return done;
  }

  /** Resolves once every task queued so far has finished natively. */
  idle(): Promise<void> {
    return this.tail;
  }
}
