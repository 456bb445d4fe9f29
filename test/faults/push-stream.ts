/**
 * Tencent's side of a fault test: a stream of text pushes with distinct
 * MsgIds through the simulator (Tencent's attempts and timeouts), and an exact
 * re-send of the pushes that got no 200, which is what a Tencent retry is
 * (same query, same body).
 */
import type { DeliveryReport } from '../../gateway/simulator/deliver';
import { httpExchange } from '../../gateway/simulator/http-exchange';
import { textMessage } from '../../gateway/simulator/pushes';
import type { SimulatedAccount } from '../../gateway/simulator/accounts';
import type { TencentSimulator } from '../../gateway/simulator/simulator';
import { sleep } from './probes';

/** One push of the stream and what Tencent saw. */
export interface StreamedPush {
  index: number;
  msgId: string;
  report: DeliveryReport;
  /** When the first attempt started and the last one ended (epoch ms). */
  startedAtMs: number;
  finishedAtMs: number;
  /** Set when a later exact re-send (a Tencent retry) was answered; see resendUnacknowledged. */
  resendStatus?: number;
}

/** Did Tencent get an HTTP 200 for this push (on any attempt, or on a later re-send)? */
export function acknowledged(p: StreamedPush): boolean {
  return acknowledgedInStream(p) || p.resendStatus === 200;
}

/** Did one of the simulator's own attempts get an HTTP 200 (before any re-send)? */
export function acknowledgedInStream(p: StreamedPush): boolean {
  return p.report.outcome === 'acked' || p.report.outcome === 'replied';
}

/** Distinct 64-bit MsgIds for `count` pushes, unique per run. */
export function distinctMsgIds(count: number): string[] {
  const base = 7_000_000_000_000_000_000n + BigInt(Date.now()) * 1000n;
  return Array.from({ length: count }, (_, i) => (base + BigInt(i)).toString());
}

export interface StreamOptions {
  sim: TencentSimulator;
  account: SimulatedAccount;
  msgIds: string[];
  /** Pushes in flight at once (Tencent pushes concurrently). */
  inFlight: number;
  /** Pause of each lane between two pushes, to spread the stream over the fault. */
  paceMs?: number;
  /** Pause of a lane after a push that got no 200 (Tencent does not hammer a dead endpoint with fresh pushes). */
  failurePaceMs?: number;
  /** Awaited before sending push `index` (lets a test hold back the tail of the stream). */
  before?: (index: number) => Promise<void> | void;
  onResult?: (push: StreamedPush) => void;
}

/** Send a text push per MsgId, `inFlight` at a time, each with Tencent's attempts and timeouts. */
export async function streamTextPushes(options: StreamOptions): Promise<StreamedPush[]> {
  const { sim, account, msgIds } = options;
  const openids = Array.from({ length: 5 }, () => sim.newFollowerOpenid(account.appId));
  const results: StreamedPush[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    for (;;) {
      const index = next++;
      if (index >= msgIds.length) return;
      await options.before?.(index);
      const msgId = msgIds[index]!;
      const xml = textMessage({ toUserName: account.originalId, fromUserName: openids[index % openids.length]!, content: `fault stream #${index}`, msgId });
      const startedAtMs = Date.now();
      const report = await sim.send(account.appId, xml);
      const push: StreamedPush = { index, msgId, report, startedAtMs, finishedAtMs: Date.now() };
      results.push(push);
      options.onResult?.(push);
      const pause = acknowledged(push) ? options.paceMs : (options.failurePaceMs ?? options.paceMs);
      if (pause) await sleep(pause);
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, lane));
  return results.sort((a, b) => a.index - b.index);
}

/**
 * Re-send, byte for byte, every push Tencent got no 200 for, until each is
 * answered 200. That is what a Tencent retry is (same query, same body); the
 * simulator's own retries come back to back, so after a fault they are spent
 * before the gateway is back, while Tencent's retries are spaced out.
 */
export async function resendUnacknowledged(pushes: StreamedPush[], options: { attemptTimeoutMs: number; timeoutMs?: number }): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (const push of pushes.filter((p) => !acknowledged(p))) {
    for (;;) {
      try {
        const res = await httpExchange({
          method: 'POST',
          url: new URL(push.report.request.url),
          headers: { 'Content-Type': 'text/xml', 'User-Agent': 'Mozilla/4.0', Accept: '*/*' },
          body: push.report.request.body,
          timeoutMs: options.attemptTimeoutMs,
        });
        push.resendStatus = res.status;
        if (res.status === 200) break;
      } catch {
        push.resendStatus = undefined;
      }
      if (Date.now() > deadline) throw new Error(`push #${push.index} (MsgId ${push.msgId}) was never answered 200 on re-send`);
      await sleep(100);
    }
  }
}

/** Summary for failure messages and the test log. */
export function outcomeCounts(pushes: StreamedPush[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of pushes) {
    const key = p.resendStatus === 200 ? `${p.report.outcome}+resent` : p.report.outcome;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
