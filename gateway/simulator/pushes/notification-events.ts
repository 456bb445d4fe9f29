/**
 * Delivery-result and subscription-consent events: template and mass-send
 * job results, and the subscription-message popup/change/sent events whose
 * `<List>` repeats once per template (wechat-oa.md §3).
 */
import { renderXml, bare, cdata, element, type XmlNode } from '../xml-builder';
import { eventHeader, rngOf, type PushBase } from './common';
import { randomMsgId } from '../random';

/** Result of one template message; `MsgID` (capital ID) is the msgid template/send returned. */
export function templateSendJobFinishEvent(
  p: PushBase & { msgId?: string; status?: 'success' | 'failed:user block' | 'failed: system failed' | 'failed:freq limit' },
): string {
  return renderXml([
    ...eventHeader(p, 'TEMPLATESENDJOBFINISH'),
    bare('MsgID', p.msgId ?? randomMsgId(rngOf(p))),
    cdata('Status', p.status ?? 'success'),
  ]);
}

/** Counts and copyright-check outcome of a mass send. */
export interface MassSendResult {
  msgId?: string;
  /** `send success`, `send fail` or `err(<code>)`. */
  status?: string;
  totalCount: number;
  filterCount: number;
  sentCount: number;
  errorCount: number;
  /** CheckState of the copyright check; the block is always present, empty when nothing was checked. */
  copyrightCheckState?: number;
}

/** Result of a mass send; not caused by a follower, though FromUserName still carries an openid. */
export function massSendJobFinishEvent(p: PushBase & MassSendResult): string {
  return renderXml([
    ...eventHeader(p, 'MASSSENDJOBFINISH'),
    bare('MsgID', p.msgId ?? randomMsgId(rngOf(p))),
    cdata('Status', p.status ?? 'send success'),
    bare('TotalCount', p.totalCount),
    bare('FilterCount', p.filterCount),
    bare('SentCount', p.sentCount),
    bare('ErrorCount', p.errorCount),
    element('CopyrightCheckResult', [bare('Count', 0), element('ResultList', []), bare('CheckState', p.copyrightCheckState ?? 1)]),
  ]);
}

/** One template's answer in the subscription popup. */
export interface PopupChoice {
  templateId: string;
  status: 'accept' | 'reject';
  /** Where the popup was shown, as Tencent's numeric scene. */
  popupScene?: number;
}

/** The user answered the subscription-message popup. */
export function subscribeMsgPopupEvent(p: PushBase & { choices: readonly PopupChoice[] }): string {
  return listEvent(
    p,
    'subscribe_msg_popup_event',
    'SubscribeMsgPopupEvent',
    p.choices.map((c) => [cdata('TemplateId', c.templateId), cdata('SubscribeStatusString', c.status), bare('PopupScene', c.popupScene ?? 0)]),
  );
}

/** The user changed a subscription later, in the chat settings. */
export function subscribeMsgChangeEvent(p: PushBase & { changes: readonly { templateId: string; status: 'accept' | 'reject' }[] }): string {
  return listEvent(
    p,
    'subscribe_msg_change_event',
    'SubscribeMsgChangeEvent',
    p.changes.map((c) => [cdata('TemplateId', c.templateId), cdata('SubscribeStatusString', c.status)]),
  );
}

/** Result of one subscription message send. */
export interface SentResult {
  templateId: string;
  msgId?: string;
  /** 0 on success; Tencent's send error otherwise (43101 user refused, 43107 …). */
  errorCode?: number;
  errorStatus?: string;
}

/** Delivery results of subscription messages (bizsend). */
export function subscribeMsgSentEvent(p: PushBase & { results: readonly SentResult[] }): string {
  const rng = rngOf(p);
  return listEvent(
    p,
    'subscribe_msg_sent_event',
    'SubscribeMsgSentEvent',
    p.results.map((r) => [
      cdata('TemplateId', r.templateId),
      bare('MsgID', r.msgId ?? randomMsgId(rng)),
      bare('ErrorCode', r.errorCode ?? 0),
      cdata('ErrorStatus', r.errorStatus ?? 'success'),
    ]),
  );
}

function listEvent(p: PushBase, event: string, wrapper: string, lists: readonly XmlNode[][]): string {
  if (lists.length === 0) throw new RangeError(`${event} needs at least one <List>`);
  return renderXml([...eventHeader(p, event), element(wrapper, lists.map((items) => element('List', items)))]);
}
