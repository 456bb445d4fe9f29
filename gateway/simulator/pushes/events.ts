/**
 * Follow, scan, location and menu events (wechat-oa.md §3). Event names keep
 * Tencent's casing: `subscribe`/`unsubscribe` lower-case, `SCAN`, `LOCATION`,
 * `CLICK`, `VIEW` upper-case.
 */
import { renderXml, bare, cdata, type XmlNode } from '../xml-builder';
import { eventHeader, fakeQrTicket, rngOf, type PushBase } from './common';

/**
 * A follow. With `qrScene` the user followed through a parametric QR code:
 * Tencent then adds `EventKey` = `qrscene_<scene>` and the code's `Ticket`.
 */
export function subscribeEvent(p: PushBase & { qrScene?: string; ticket?: string }): string {
  const fields: XmlNode[] = eventHeader(p, 'subscribe');
  if (p.qrScene !== undefined) {
    fields.push(cdata('EventKey', `qrscene_${p.qrScene}`), cdata('Ticket', p.ticket ?? fakeQrTicket(rngOf(p))));
  }
  return renderXml(fields);
}

/** An unfollow. */
export function unsubscribeEvent(p: PushBase): string {
  return renderXml(eventHeader(p, 'unsubscribe'));
}

/** An existing follower scanned a parametric QR code; EventKey is the bare scene value. */
export function scanEvent(p: PushBase & { scene: string; ticket?: string }): string {
  return renderXml([...eventHeader(p, 'SCAN'), cdata('EventKey', p.scene), cdata('Ticket', p.ticket ?? fakeQrTicket(rngOf(p)))]);
}

/** The client's automatic location report; values are decimal strings, Precision in metres with six decimals. */
export function locationEvent(p: PushBase & { latitude: string; longitude: string; precision: string }): string {
  return renderXml([
    ...eventHeader(p, 'LOCATION'),
    bare('Latitude', p.latitude),
    bare('Longitude', p.longitude),
    bare('Precision', p.precision),
  ]);
}

/** A tap on a `click` menu button; EventKey is the button's key. */
export function clickEvent(p: PushBase & { eventKey: string }): string {
  return renderXml([...eventHeader(p, 'CLICK'), cdata('EventKey', p.eventKey)]);
}

/** A tap on a `view` (link) menu button; EventKey is the URL, MenuId the menu's id when personalised menus exist. */
export function viewEvent(p: PushBase & { url: string; menuId?: string }): string {
  const fields: XmlNode[] = [...eventHeader(p, 'VIEW'), cdata('EventKey', p.url)];
  if (p.menuId !== undefined) fields.push(bare('MenuId', p.menuId));
  return renderXml(fields);
}
