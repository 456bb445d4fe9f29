/**
 * The customer-service window (wechat-oa.md §5.1): an OA customer-service
 * message needs an open window opened by a qualifying user action, with
 * quota left. Refusing here spares a Tencent call that would fail with
 * 45015 / 45047 anyway. Windows of different triggers overlap; a recipient
 * may be messaged if any of its windows is open and has quota left. The
 * window closes `validity` after the action (an action stamped in the future,
 * clock skew, counts as just now). Passive replies (oa.reply) are never windowed.
 */
import { recipientIds } from '../scope';
import type { Rule } from './types';

/** Deny windowed kinds without an open window (45015) or with its quota used up (45047). */
export const checkWindow: Rule = (ev) => {
  const window = ev.prepared.window;
  const { message, now } = ev.ctx;
  if (!window || !window.kinds.has(message.kind)) return;
  const openids = message.recipients.filter((r) => r.type === 'openid');
  if (openids.length === 0) return;
  const view = ev.ctx.window;
  if (!view) {
    ev.findings.push({ code: 'window.unknown', rule: window.id, detail: `onUnknown ${window.onUnknown}`, effect: window.onUnknown, errcode: window.errcodes.expired });
    return;
  }
  let expired = 0;
  let exhausted = 0;
  const ids = recipientIds({ ...message, recipients: openids });
  for (const id of ids) {
    const actions = Object.hasOwn(view.recipients, id) ? (view.recipients[id] ?? []) : [];
    let open = false;
    let available = false;
    for (const action of actions) {
      const entry = window.table[action.trigger];
      if (!entry || now >= action.at + entry.validityMs) continue;
      open = true;
      if (entry.quota === null || action.sentSince < entry.quota) available = true;
    }
    if (!open) expired++;
    else if (!available) exhausted++;
  }
  if (expired > 0) ev.findings.push({ code: 'window.expired', rule: window.id, detail: `${expired} of ${ids.length} recipient(s) without an open window`, effect: 'deny', errcode: window.errcodes.expired });
  if (exhausted > 0) ev.findings.push({ code: 'window.quota_exhausted', rule: window.id, detail: `${exhausted} of ${ids.length} recipient(s) with the window quota used up`, effect: 'deny', errcode: window.errcodes.quotaExhausted });
};
