/**
 * WeCom callbacks in the simulator: pushes to a corp's callback URL (encrypted
 * for the corp, retried as Tencent does), the URL-verification handshake, and
 * a log of every push and how it ended.
 */
import type { Clock } from './clock';
import type { UrlVerification } from './deliver';
import type { Rng } from './random';
import type { SimulatedCorp } from './state/wecom-corps';
import { deliverWecomPush, verifyWecomUrl, type WecomDeliveryReport } from './wecom-deliver';

/** One finished WeCom push. */
export interface WecomCallbackRecord {
  corpId: string;
  /** The plaintext event XML. */
  xml: string;
  /** Simulator clock when the push started, epoch ms. */
  at: number;
  report: WecomDeliveryReport;
}

/** The methods tests call. */
export interface WecomCallbackMethods {
  /**
   * Encrypt `xml` for the corp and POST it to its callback URL (5 s × 3 attempts).
   * The envelope's AgentID is `options.agentId`, else the plaintext's `<AgentID>`, else empty.
   * @throws Error for an unknown corp, a corp without callbackUrl, or XML addressed to another corp.
   */
  pushWecomEvent(corpId: string, xml: string, options?: { agentId?: number | '' }): Promise<WecomDeliveryReport>;
  /** Run the URL-verification GET against the corp's callback URL (1 s deadline). @throws Error for an unknown corp or one without callbackUrl. */
  verifyWecomUrl(corpId: string): Promise<UrlVerification>;
  /** Finished WeCom pushes, oldest first (background pushes appear after `settled()`). */
  wecomCallbacks(filter?: { corpId?: string }): WecomCallbackRecord[];
}

export interface WecomCallbacksBase {
  clock: Clock;
  rng: Rng;
  corp(corpId: string): SimulatedCorp;
  attemptTimeoutMs?: number;
  maxAttempts?: number;
  /** Keep a background push until it is done (the simulator's `settled()` waits for these). */
  track(work: Promise<unknown>): void;
}

/** The methods, plus `pushLater` for pushes the simulator makes on its own. */
export function createWecomCallbacks(base: WecomCallbacksBase): WecomCallbackMethods & { pushLater(corpId: string, xml: string): void } {
  const log: WecomCallbackRecord[] = [];
  const push = async (corpId: string, xml: string, options: { agentId?: number | '' } = {}): Promise<WecomDeliveryReport> => {
    const corp = base.corp(corpId);
    const addressee = /<ToUserName><!\[CDATA\[([^\]]*)\]\]><\/ToUserName>/.exec(xml)?.[1];
    if (addressee !== corp.corpId) throw new Error(`event is addressed to ${addressee ?? 'nobody'}, not to ${corp.corpId}`);
    const at = base.clock.now();
    const report = await deliverWecomPush(corp, xml, {
      clock: base.clock,
      rng: base.rng,
      ...(base.attemptTimeoutMs !== undefined ? { attemptTimeoutMs: base.attemptTimeoutMs } : {}),
      ...(base.maxAttempts !== undefined ? { maxAttempts: base.maxAttempts } : {}),
      ...(options.agentId !== undefined ? { agentId: options.agentId } : {}),
    });
    log.push({ corpId: corp.corpId, xml, at, report });
    return report;
  };
  return {
    pushWecomEvent: push,
    verifyWecomUrl: (corpId) => verifyWecomUrl(base.corp(corpId), { clock: base.clock, rng: base.rng }),
    wecomCallbacks: (filter = {}) => log.filter((r) => filter.corpId === undefined || r.corpId === filter.corpId).map((r) => ({ ...r })),
    pushLater(corpId, xml) {
      if (base.corp(corpId).callbackUrl === undefined) return; // nowhere to push: WeCom would have no callback configured
      // WeCom pushes after the change happened; a failed delivery is the receiver's problem.
      base.track(new Promise((resolve) => setImmediate(resolve)).then(() => push(corpId, xml)).catch(() => undefined));
    },
  };
}
