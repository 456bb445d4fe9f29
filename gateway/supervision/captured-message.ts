/**
 * A chat-archive event as supervision sees it (policies/supervise.ts
 * CapturedMessage): who sent it (a corp member — the RM — or an external
 * contact) and the texts a person wrote or chose to send, each with a path
 * such as `text.content`, `mixed.items[1].content` or `link.title`.
 *
 * What is a text: message contents, the titles and descriptions of link,
 * mini-program, news and doc cards, file names, todo/vote/calendar/meeting
 * wording, red-packet wishes, and the same inside mixed messages and
 * forwarded chat records (an RM forwarding a conversation to a client sends
 * its words). Not texts: URLs, ids, md5s, coordinates, member names.
 * Events that are not messages someone sent (switch, recall, agree/disagree,
 * unknown types) and robots' messages are not supervised.
 */
import type { MsgauditEvent, MsgauditJsonObject, MsgauditJsonValue } from '../../connectors/canonical/msgaudit-event';
import type { CapturedMessage, CapturedText } from '../../policies/supervise';
import type { SupervisionSender } from '../../policies/schema';

/** External contacts' ids (external_userid) start wm / wo; robots wb; corp members have their own userids. */
const EXTERNAL_ID = /^w[mo][A-Za-z0-9_-]{14,62}$/;
const ROBOT_ID = /^wb[A-Za-z0-9_-]{14,62}$/;

/** The canonical fields (connectors/wecom/msgaudit/parse/message-types.ts) of each msgtype that hold text; `items` is handled by itemTexts. */
const TEXT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  text: ['content'],
  markdown: ['content'],
  meeting_notification: ['content'],
  todo: ['title', 'content'],
  link: ['title', 'description'],
  weapp: ['title', 'description'],
  docmsg: ['title'],
  file: ['fileName'],
  qydiskfile: ['fileName'],
  voip_doc_share: ['fileName'],
  calendar: ['title', 'place', 'remarks'],
  meeting: ['topic', 'address', 'remarks'],
  vote: ['voteTitle', 'voteItems'],
  collect: ['title', 'details'],
  redpacket: ['wish'],
  external_redpacket: ['wish'],
  sphfeed: ['feedDesc'],
  news: ['items'],
  chatrecord: ['title', 'items'],
  mixed: ['items'],
};

/** Within list fields, the keys that hold text (collect details' questions, news items' titles). */
const LIST_ITEM_TEXT: Readonly<Record<string, readonly string[]>> = {
  details: ['question'],
  news: ['title', 'description'],
};

/** Who sent `from`: an RM (corp member), a customer (external contact), or nobody supervision looks at (a robot, none). */
export function senderRole(from: string | null): SupervisionSender | undefined {
  if (!from || ROBOT_ID.test(from)) return undefined;
  return EXTERNAL_ID.test(from) ? 'customer' : 'rm';
}

/** The captured message of `event`, or undefined when it is not a message a person sent. */
export function capturedMessageOf(event: MsgauditEvent): CapturedMessage | undefined {
  if (event.action !== 'send' || event.msgtype === null || event.type === 'unknown' || event.type === 'switch') return undefined;
  if (event.type === 'revoke' || event.type === 'agree' || event.type === 'disagree') return undefined;
  const sender = senderRole(event.from);
  if (!sender) return undefined;
  const texts: CapturedText[] = [];
  fieldTexts(event.type, event.fields, event.type, texts, 0);
  return { sender, msgtype: event.type, texts };
}

// mixed and chatrecord nest at most 3 levels (embedded-items.ts MAX_EMBEDDED_LEVELS); a bound keeps this total.
const MAX_LEVELS = 4;

function fieldTexts(msgtype: string, fields: MsgauditJsonObject, path: string, out: CapturedText[], level: number): void {
  if (level > MAX_LEVELS) return;
  for (const name of TEXT_FIELDS[msgtype] ?? []) {
    const value = fields[name];
    if (name === 'items' && Array.isArray(value)) {
      if (msgtype === 'news') listTexts(value, `${path}.items`, LIST_ITEM_TEXT.news!, out);
      else itemTexts(value, `${path}.items`, out, level);
    } else if (name === 'details' && Array.isArray(value)) listTexts(value, `${path}.details`, LIST_ITEM_TEXT.details!, out);
    else if (Array.isArray(value)) value.forEach((v, i) => pushText(v, `${path}.${name}[${i}]`, out));
    else pushText(value, `${path}.${name}`, out);
  }
}

/** mixed / chatrecord items: `{type, msgtype, fields}`, or `{type, msgtype: null, content}` for an item type not known. */
function itemTexts(items: readonly MsgauditJsonValue[], path: string, out: CapturedText[], level: number): void {
  items.forEach((item, i) => {
    if (!isObject(item)) return;
    const where = `${path}[${i}]`;
    if (typeof item.msgtype === 'string' && isObject(item.fields)) fieldTexts(item.msgtype, item.fields, where, out, level + 1);
  });
}

function listTexts(list: readonly MsgauditJsonValue[], path: string, keys: readonly string[], out: CapturedText[]): void {
  list.forEach((entry, i) => {
    if (!isObject(entry)) return;
    for (const key of keys) pushText(entry[key], `${path}[${i}].${key}`, out);
  });
}

function pushText(value: MsgauditJsonValue | undefined, path: string, out: CapturedText[]): void {
  if (typeof value === 'string' && value.trim() !== '') out.push({ path, text: value });
}

function isObject(value: MsgauditJsonValue | undefined): value is MsgauditJsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
