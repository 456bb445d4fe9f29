/**
 * Turns an internal app's WeCom API call into the canonical OutboundMessage
 * parts: app messages to employees, customer mass-send tasks and welcome
 * messages, with the limits of wecom.md §3–§4 checked before anything else.
 */
import type { OutboundKind, OutboundRecipient } from '../../canonical/outbound-message';
import { collectTexts, contentHash, objectAt, OutboundShapeError, stringAt } from '../../canonical/outbound-shape';
import type { ClassifiedOutbound } from '../../canonical/classified-outbound';

/** The WeCom send paths the gateway accepts, by path under /cgi-bin/. */
export const WECOM_SEND_PATHS: Readonly<Record<string, OutboundKind>> = {
  'message/send': 'wecom.app',
  'externalcontact/add_msg_template': 'wecom.customer_mass',
  'externalcontact/send_welcome_msg': 'wecom.welcome',
};

/** App message msgtypes (wecom.md §3). */
export const APP_MSGTYPES = ['text', 'image', 'voice', 'video', 'file', 'textcard', 'news', 'mpnews', 'markdown', 'miniprogram_notice', 'template_card'] as const;
const ATTACHMENT_TYPES = new Set(['image', 'link', 'miniprogram', 'video', 'file']);
const RECIPIENT_KEYS = ['touser', 'toparty', 'totag', 'external_userid', 'chat_id_list', 'tag_filter', 'welcome_code', 'sender'];

function splitIds(v: unknown, type: OutboundRecipient['type'], max: number, errcode: number): OutboundRecipient[] {
  if (v === undefined || v === '') return [];
  if (typeof v !== 'string') throw new OutboundShapeError(47001, `data format error: ${type} list must be a "|"-separated string`);
  const ids = v.split('|').filter((id) => id !== '');
  if (ids.length > max) throw new OutboundShapeError(errcode, `at most ${max} ${type} ids`);
  return ids.map((id) => ({ type: id === '@all' ? 'all' : type, id }));
}

function attachments(body: Record<string, unknown>): void {
  const list = body.attachments;
  if (list === undefined) return;
  if (!Array.isArray(list)) throw new OutboundShapeError(47001, 'data format error: attachments must be an array');
  if (list.length > 9) throw new OutboundShapeError(41064, 'attachments over limit (9)');
  for (const a of list) {
    const t = (a as Record<string, unknown> | null)?.msgtype;
    if (typeof t !== 'string' || !ATTACHMENT_TYPES.has(t)) throw new OutboundShapeError(41065, 'invalid attachment msgtype');
  }
}

function textWithin(body: Record<string, unknown>, maxBytes: number): void {
  const text = body.text;
  if (text === undefined) return;
  const content = objectAt(body, 'text').content;
  if (typeof content !== 'string') throw new OutboundShapeError(47001, 'data format error: text.content must be a string');
  if (Buffer.byteLength(content, 'utf8') > maxBytes) throw new OutboundShapeError(45002, `content size out of limit (${maxBytes} bytes)`);
}

/**
 * Classify one WeCom send.
 * @throws OutboundShapeError with WeCom's errcode (40008, 40056, 41064, 41065, 44004, 45002, 47001, 81013…).
 */
export function classifyWecomSend(path: string, body: Record<string, unknown>): ClassifiedOutbound {
  const kind = WECOM_SEND_PATHS[path];
  if (!kind) throw new OutboundShapeError(48001, `api unauthorized: /cgi-bin/${path} is not a send the gateway accepts`);
  let msgtype: string;
  let recipients: OutboundRecipient[];
  let secret: string;
  if (kind === 'wecom.app') {
    msgtype = typeof body.msgtype === 'string' ? body.msgtype : '';
    if (!(APP_MSGTYPES as readonly string[]).includes(msgtype)) throw new OutboundShapeError(40008, `msgtype must be one of ${APP_MSGTYPES.join(', ')}`);
    objectAt(body, msgtype);
    if (msgtype === 'text') {
      const content = objectAt(body, 'text').content;
      if (typeof content !== 'string' || content.trim() === '') throw new OutboundShapeError(44004, 'empty content');
      textWithin(body, 2048);
    }
    const agentid = body.agentid;
    if (typeof agentid !== 'number' || !Number.isSafeInteger(agentid) || agentid < 1) throw new OutboundShapeError(40056, 'invalid agentid');
    secret = `agent:${agentid}`;
    recipients = [...splitIds(body.touser, 'userid', 1000, 40032), ...splitIds(body.toparty, 'party', 100, 40032), ...splitIds(body.totag, 'tag', 100, 40032)];
    if (recipients.length === 0) throw new OutboundShapeError(81013, 'user & party & tag all invalid');
  } else if (kind === 'wecom.customer_mass') {
    msgtype = 'msg_template';
    secret = 'contact';
    const ext = body.external_userid ?? [];
    const chats = body.chat_id_list ?? [];
    if (!Array.isArray(ext) || ext.length > 10_000 || ext.some((e) => typeof e !== 'string' || e === '')) throw new OutboundShapeError(40096, 'external_userid must list at most 10000 ids');
    if (!Array.isArray(chats) || chats.length > 2000 || chats.some((e) => typeof e !== 'string' || e === '')) throw new OutboundShapeError(47001, 'data format error: chat_id_list must list at most 2000 ids');
    recipients = [
      ...[...new Set(ext as string[])].map((id) => ({ type: 'external_userid' as const, id })),
      ...[...new Set(chats as string[])].map((id) => ({ type: 'chat' as const, id })),
    ];
    if (recipients.length === 0 && body.tag_filter === undefined && typeof body.sender !== 'string') throw new OutboundShapeError(40096, 'no recipients: give external_userid, chat_id_list, tag_filter or sender');
    if (recipients.length === 0) recipients = [{ type: 'all', id: typeof body.sender === 'string' ? `sender:${body.sender}` : 'tag_filter' }];
    if (body.text === undefined && body.attachments === undefined) throw new OutboundShapeError(44004, 'text and attachments are both empty');
    textWithin(body, 4000);
    attachments(body);
  } else {
    msgtype = 'welcome';
    secret = 'contact';
    recipients = [{ type: 'welcome_code', id: stringAt(body, 'welcome_code', 47001) }];
    if (body.text === undefined && body.attachments === undefined) throw new OutboundShapeError(44004, 'text and attachments are both empty');
    textWithin(body, 4000);
    attachments(body);
  }
  return { kind, product: 'wecom', msgtype, recipients, texts: collectTexts(body, ''), contentHash: contentHash(body, RECIPIENT_KEYS), tencentPath: `/cgi-bin/${path}`, secret };
}
