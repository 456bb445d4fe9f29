/**
 * Builders for every OA push in wechat-oa.md §3. Each returns the plaintext
 * XML exactly as Tencent formats it; `deliver.ts` wraps it for the account's
 * encryption mode.
 */
export type { PushBase, MessageBase } from './pushes/common';
export {
  textMessage,
  imageMessage,
  voiceMessage,
  videoMessage,
  shortVideoMessage,
  locationMessage,
  linkMessage,
  miniProgramPageMessage,
} from './pushes/messages';
export { subscribeEvent, unsubscribeEvent, scanEvent, locationEvent, clickEvent, viewEvent } from './pushes/events';
export { scanCodeEvent, picEvent, locationSelectEvent } from './pushes/menu-events';
export {
  templateSendJobFinishEvent,
  massSendJobFinishEvent,
  subscribeMsgPopupEvent,
  subscribeMsgChangeEvent,
  subscribeMsgSentEvent,
  type MassSendResult,
  type PopupChoice,
  type SentResult,
} from './pushes/notification-events';
