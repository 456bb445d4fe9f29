/**
 * The customer-service window (wechat-oa.md §5.1): a user action opens a
 * window in which the account may send that user a limited number of
 * customer-service messages. Reading of the reference where it is silent [S]:
 *
 * * Each kind of action has its own window; a newer action of the same kind
 *   replaces it (a fresh quota), actions of other kinds do not touch it —
 *   "a menu tap does not open the user-sent-a-message quota".
 * * A send spends from the open window that closes first, so a short
 *   1-minute quota is used before a 48-hour one.
 * * No open window → 45015; windows open but every quota spent → 45047.
 * * A follow through a parametric QR code is one action (`subscribe`); a
 *   SCAN by an existing follower is `qrscan`.
 */
import type { PushFacts } from '../push-facts';

export type QualifyingTrigger = 'message' | 'menu' | 'subscribe' | 'qrscan' | 'payment';

/** How long a window stays open and how many messages it allows (`null` = unlimited). */
export interface WindowRule {
  validitySeconds: number;
  quota: number | null;
}

/** The current rules (2025 docs); the 2021 rule gave `message` 20, older ones unlimited. */
export const DEFAULT_WINDOW_RULES: Readonly<Record<QualifyingTrigger, WindowRule>> = {
  message: { validitySeconds: 48 * 3600, quota: 5 },
  menu: { validitySeconds: 60, quota: 3 },
  subscribe: { validitySeconds: 60, quota: 3 },
  qrscan: { validitySeconds: 60, quota: 3 },
  payment: { validitySeconds: 48 * 3600, quota: null },
};

/** One open (or closed) window as tests can inspect it. */
export interface ServiceWindow {
  trigger: QualifyingTrigger;
  openedAt: number;
  closesAt: number;
  quota: number | null;
  used: number;
}

const MENU_EVENTS = new Set(['CLICK', 'scancode_push', 'scancode_waitmsg']);

/** Which qualifying action a push represents, if any. */
export function triggerOfPush(facts: PushFacts): QualifyingTrigger | undefined {
  if (facts.msgType !== 'event') return 'message';
  if (facts.event === undefined) return undefined;
  if (MENU_EVENTS.has(facts.event)) return 'menu';
  if (facts.event === 'subscribe') return 'subscribe';
  if (facts.event === 'SCAN') return 'qrscan';
  return undefined;
}

/** Per account and user, the windows opened by each kind of action. */
export class ServiceWindows {
  readonly rules: Readonly<Record<QualifyingTrigger, WindowRule>>;
  private readonly windows = new Map<string, Map<QualifyingTrigger, ServiceWindow>>();

  constructor(rules: Partial<Record<QualifyingTrigger, WindowRule>> = {}) {
    this.rules = { ...DEFAULT_WINDOW_RULES, ...rules };
  }

  /** A qualifying action at `at` (epoch ms) opens a fresh window of its kind. */
  open(appId: string, openid: string, trigger: QualifyingTrigger, at: number): void {
    const rule = this.rules[trigger];
    const key = `${appId}\u0000${openid}`;
    const byTrigger = this.windows.get(key) ?? new Map<QualifyingTrigger, ServiceWindow>();
    byTrigger.set(trigger, { trigger, openedAt: at, closesAt: at + rule.validitySeconds * 1000, quota: rule.quota, used: 0 });
    this.windows.set(key, byTrigger);
  }

  /** Spend one message at `now`: 0, or 45015 (no open window) / 45047 (quotas used up). */
  spend(appId: string, openid: string, now: number): 0 | 45015 | 45047 {
    const open = this.list(appId, openid).filter((w) => w.openedAt <= now && now < w.closesAt);
    if (open.length === 0) return 45015;
    const usable = open.filter((w) => w.quota === null || w.used < w.quota).sort((a, b) => a.closesAt - b.closesAt)[0];
    if (!usable) return 45047;
    const stored = this.windows.get(`${appId}\u0000${openid}`)?.get(usable.trigger);
    if (stored) stored.used += 1;
    return 0;
  }

  /** The user's windows, open or not, for inspection. */
  list(appId: string, openid: string): ServiceWindow[] {
    return [...(this.windows.get(`${appId}\u0000${openid}`)?.values() ?? [])].map((w) => ({ ...w }));
  }
}
