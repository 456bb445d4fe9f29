/**
 * Seq continuity of what the puller archives. Our own cursor cannot leave a
 * hole: each pull asks for everything after the last archived seq, the
 * envelope parser refuses a batch that does not start after it or whose seqs
 * do not increase, and the cursor moves only with the records it covers.
 * What remains to watch is Tencent's numbering: seqs are not promised to be
 * contiguous (the SDK's contract is "records after seq", wecom.md §6.3, and
 * integrators see skips), so a skip is recorded — a metric, the cursor's
 * skipped_seqs, an info log, a warning when one skip is large — as evidence
 * for reconciliation, not treated as an error: nothing can be fetched at a
 * skipped seq. The first pull of a
 * corp (cursor 0) starts wherever Tencent's retention window starts: no gap
 * is counted before its first record.
 */

/** Seqs skipped between consecutive archived records. */
export interface SeqSkips {
  /** How many places a skip occurred. */
  gaps: number;
  /** Seqs missing in total (capped at Number.MAX_SAFE_INTEGER). */
  missing: number;
  /** The largest single skip. */
  largest: number;
}

/** The skips between `cursorSeq` and the batch's first seq and between consecutive seqs (canonical decimals, increasing). */
export function seqSkips(cursorSeq: string, seqs: readonly string[]): SeqSkips {
  let previous = cursorSeq === '0' ? undefined : BigInt(cursorSeq);
  let gaps = 0;
  let missing = 0n;
  let largest = 0n;
  for (const text of seqs) {
    const seq = BigInt(text);
    if (previous !== undefined && seq > previous + 1n) {
      const skipped = seq - previous - 1n;
      gaps += 1;
      missing += skipped;
      if (skipped > largest) largest = skipped;
    }
    previous = seq;
  }
  const cap = (n: bigint): number => (n > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(n));
  return { gaps, missing: cap(missing), largest: cap(largest) };
}
