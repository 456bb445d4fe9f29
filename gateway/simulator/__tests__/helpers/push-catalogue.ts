/** One builder call per push type in wechat-oa.md §3, with what each must produce. */
import * as pushes from '../../pushes';
import { seededRng } from '../../random';

export const base = {
  toUserName: 'gh_7f083739789a',
  fromUserName: 'oia2TjuEGTNoeX76QEjQNrcURxG8',
  createTime: 1714037059,
  rng: seededRng('pushes-test'),
};

/** Every builder, with the MsgType/Event it must produce and the id field it must carry. */
export const catalogue: [name: string, xml: () => string, msgType: string, event: string | undefined, idField: 'MsgId' | 'MsgID' | undefined][] = [
  ['text', () => pushes.textMessage({ ...base, content: '你好' }), 'text', undefined, 'MsgId'],
  ['image', () => pushes.imageMessage(base), 'image', undefined, 'MsgId'],
  ['voice', () => pushes.voiceMessage({ ...base, recognition: '腾讯微信团队' }), 'voice', undefined, 'MsgId'],
  ['video', () => pushes.videoMessage(base), 'video', undefined, 'MsgId'],
  ['shortvideo', () => pushes.shortVideoMessage(base), 'shortvideo', undefined, 'MsgId'],
  ['location', () => pushes.locationMessage({ ...base, latitude: '23.134521', longitude: '113.358803', scale: 20, label: '位置信息' }), 'location', undefined, 'MsgId'],
  ['link', () => pushes.linkMessage({ ...base, title: '公众平台官网链接', description: '说明', url: 'https://mp.weixin.qq.com' }), 'link', undefined, 'MsgId'],
  ['miniprogrampage', () => pushes.miniProgramPageMessage({ ...base, appId: 'wx1234567890abcdef', title: '理财', pagePath: 'pages/index' }), 'miniprogrampage', undefined, 'MsgId'],
  ['subscribe', () => pushes.subscribeEvent(base), 'event', 'subscribe', undefined],
  ['subscribe qrscene', () => pushes.subscribeEvent({ ...base, qrScene: '123123' }), 'event', 'subscribe', undefined],
  ['unsubscribe', () => pushes.unsubscribeEvent(base), 'event', 'unsubscribe', undefined],
  ['SCAN', () => pushes.scanEvent({ ...base, scene: '123123' }), 'event', 'SCAN', undefined],
  ['LOCATION', () => pushes.locationEvent({ ...base, latitude: '23.137466', longitude: '113.352425', precision: '119.385040' }), 'event', 'LOCATION', undefined],
  ['CLICK', () => pushes.clickEvent({ ...base, eventKey: 'MENU_BALANCE' }), 'event', 'CLICK', undefined],
  ['VIEW', () => pushes.viewEvent({ ...base, url: 'https://www.qq.com', menuId: '208396938' }), 'event', 'VIEW', undefined],
  ['scancode_push', () => pushes.scanCodeEvent({ ...base, kind: 'scancode_push', eventKey: '6', scanResult: '1' }), 'event', 'scancode_push', undefined],
  ['scancode_waitmsg', () => pushes.scanCodeEvent({ ...base, kind: 'scancode_waitmsg', eventKey: '6', scanResult: '2' }), 'event', 'scancode_waitmsg', undefined],
  ['pic_sysphoto', () => pushes.picEvent({ ...base, kind: 'pic_sysphoto', eventKey: '6' }), 'event', 'pic_sysphoto', undefined],
  ['pic_photo_or_album', () => pushes.picEvent({ ...base, kind: 'pic_photo_or_album', eventKey: '6' }), 'event', 'pic_photo_or_album', undefined],
  ['pic_weixin', () => pushes.picEvent({ ...base, kind: 'pic_weixin', eventKey: '6' }), 'event', 'pic_weixin', undefined],
  ['location_select', () => pushes.locationSelectEvent({ ...base, eventKey: '6', latitude: '23', longitude: '113', label: '广州市海珠区客村艺苑路 106号' }), 'event', 'location_select', undefined],
  ['TEMPLATESENDJOBFINISH', () => pushes.templateSendJobFinishEvent(base), 'event', 'TEMPLATESENDJOBFINISH', 'MsgID'],
  ['MASSSENDJOBFINISH', () => pushes.massSendJobFinishEvent({ ...base, totalCount: 10, filterCount: 9, sentCount: 8, errorCount: 1 }), 'event', 'MASSSENDJOBFINISH', 'MsgID'],
  ['subscribe_msg_popup_event', () => pushes.subscribeMsgPopupEvent({ ...base, choices: [{ templateId: 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc', status: 'accept', popupScene: 2 }] }), 'event', 'subscribe_msg_popup_event', undefined],
  ['subscribe_msg_change_event', () => pushes.subscribeMsgChangeEvent({ ...base, changes: [{ templateId: 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc', status: 'reject' }] }), 'event', 'subscribe_msg_change_event', undefined],
  ['subscribe_msg_sent_event', () => pushes.subscribeMsgSentEvent({ ...base, results: [{ templateId: 'VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc' }] }), 'event', 'subscribe_msg_sent_event', undefined],
];

