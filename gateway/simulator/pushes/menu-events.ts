/**
 * Menu buttons that open a client feature (scanner, camera, location picker)
 * and report the result (wechat-oa.md §3). Layout follows Tencent's samples,
 * including CDATA around the numbers inside SendLocationInfo.
 */
import { renderXml, bare, cdata, element } from '../xml-builder';
import { eventHeader, fakeMd5, rngOf, type PushBase } from './common';

/** `scancode_push` (client shows the result) or `scancode_waitmsg` (client waits for the account's reply). */
export function scanCodeEvent(
  p: PushBase & { kind: 'scancode_push' | 'scancode_waitmsg'; eventKey: string; scanType?: 'qrcode' | 'barcode'; scanResult: string },
): string {
  return renderXml([
    ...eventHeader(p, p.kind),
    cdata('EventKey', p.eventKey),
    element('ScanCodeInfo', [cdata('ScanType', p.scanType ?? 'qrcode'), cdata('ScanResult', p.scanResult)]),
  ]);
}

/** Picture-sending menu events; PicList repeats `<item>` once per picture. */
export function picEvent(
  p: PushBase & { kind: 'pic_sysphoto' | 'pic_photo_or_album' | 'pic_weixin'; eventKey: string; picMd5Sums?: readonly string[] },
): string {
  const sums = p.picMd5Sums ?? [fakeMd5(rngOf(p))];
  return renderXml([
    ...eventHeader(p, p.kind),
    cdata('EventKey', p.eventKey),
    element('SendPicsInfo', [
      bare('Count', sums.length),
      element(
        'PicList',
        sums.map((sum) => element('item', [cdata('PicMd5Sum', sum)])),
      ),
    ]),
  ]);
}

/** The location picker's result; Tencent sends its numbers as CDATA text here. */
export function locationSelectEvent(
  p: PushBase & { eventKey: string; latitude: string; longitude: string; scale?: number; label: string; poiname?: string },
): string {
  return renderXml([
    ...eventHeader(p, 'location_select'),
    cdata('EventKey', p.eventKey),
    element('SendLocationInfo', [
      cdata('Location_X', p.latitude),
      cdata('Location_Y', p.longitude),
      cdata('Scale', String(p.scale ?? 15)),
      cdata('Label', p.label),
      cdata('Poiname', p.poiname ?? ''),
    ]),
  ]);
}
