/**
 * Which inbound events open an OA customer-service window (wechat-oa.md §5.1):
 * a user message (48 h), a menu click of the click / scancode_push /
 * scancode_waitmsg kinds, a follow, a parametric QR scan (1 min each).
 * A view-type menu tap does not. Unfollow closes everything.
 */
import type { ChatEvent } from '../../connectors/canonical/chat-event';
import type { ContactObservation } from './contact-store';

/** What `event` says about its sender's window and follow state, or null when nothing. */
export function windowObservation(event: ChatEvent, openidBidx: string): ContactObservation | null {
  const base = { accountId: event.accountId, openidBidx, atMs: event.createTime * 1000 };
  if (event.type.startsWith('message.')) return { ...base, trigger: 'message', subscribed: true };
  switch (event.type) {
    case 'event.subscribe':
      return { ...base, trigger: 'subscribe', subscribed: true };
    case 'event.unsubscribe':
      return { ...base, subscribed: false };
    case 'event.scan':
      return { ...base, trigger: 'qr_scan', subscribed: true };
    case 'event.click':
    case 'event.scancode_push':
    case 'event.scancode_waitmsg':
      return { ...base, trigger: 'menu_click', subscribed: true };
    default:
      return null;
  }
}
