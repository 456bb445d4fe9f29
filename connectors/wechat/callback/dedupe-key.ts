/**
 * The dedupe key of an OA push: equal for Tencent's retries of one push,
 * different for any two pushes that mean different things.
 *
 * Why not Tencent's own advice (callback-crypto.md §7: MsgId for messages,
 * FromUserName + CreateTime for events)? Both drop real traffic:
 * - MsgId is unique per account only, and the gateway serves many accounts:
 *   the account id is always part of the key.
 * - CreateTime has one-second resolution, and one user action often yields
 *   several events in the same second: a subscribe and its LOCATION report,
 *   two different menu CLICKs, a scancode_waitmsg event and the text message
 *   it produces, TEMPLATESENDJOBFINISH for two MsgIDs, pic_* events with
 *   different PicMd5Sum lists, subscribe_msg_* events for different templates.
 *   So an event's key also carries its Event and every field that tells two
 *   events of that type apart. Dropping one of those would silently lose a
 *   message from the archive; adding a field costs nothing, because a retry
 *   repeats the same decrypted message element for element.
 *
 * Canonical form: the key is the product's one canonical serialisation
 * (connectors/canonical/json.ts: JSON, no whitespace, keys sorted by UTF-16
 * code unit, arrays — here repeated elements — in document order) of one of
 * these arrays, null standing for an absent element, version tag first so the
 * form can evolve:
 *   message: ["v1","msg",   accountId, MsgType, MsgId, FromUserName]
 *   event:   ["v1","event", accountId, FromUserName, CreateTime, Event, ...discriminators]
 *   other:   ["v1","raw",   accountId, canonicalHash(message)]   (sha256 hex)
 * Values are exactly as sent (Event keeps its case; CreateTime and MsgId are
 * the wire strings). Discriminators are the elements listed per event type in
 * EVENT_DISCRIMINATORS, nested ones (ScanCodeInfo, SendPicsInfo, List, …)
 * serialised whole. "other" covers unknown MsgType or Event and a message
 * without MsgId: the whole message is the only safe discriminator, hashed
 * because a push may be 64 KiB.
 *
 * Remaining, accepted collision: the same user producing byte-identical events
 * in the same second (tapping one CLICK button twice) — indistinguishable from
 * a retry by anything Tencent sends.
 *
 * The key contains the openid: the gateway must store it as a keyed hash.
 */
import { OA_EVENT_TYPES, OA_MESSAGE_TYPES, type OaEventType, type XmlObject, type XmlValue } from '../../canonical/chat-event';
import { canonicalHash, canonicalJson } from '../../canonical/json';

const DEDUPE_KEY_VERSION = 'v1';

const PIC = ['EventKey', 'SendPicsInfo'] as const;
const SCANCODE = ['EventKey', 'ScanCodeInfo'] as const;

/** Per event type (lower-cased), the elements that tell two events of that type apart. */
export const EVENT_DISCRIMINATORS: Readonly<Record<OaEventType, readonly string[]>> = {
  subscribe: ['EventKey', 'Ticket'],
  unsubscribe: [],
  scan: ['EventKey', 'Ticket'],
  location: ['Latitude', 'Longitude', 'Precision'],
  click: ['EventKey'],
  view: ['EventKey', 'MenuId'],
  scancode_push: SCANCODE,
  scancode_waitmsg: SCANCODE,
  pic_sysphoto: PIC,
  pic_photo_or_album: PIC,
  pic_weixin: PIC,
  location_select: ['EventKey', 'SendLocationInfo'],
  templatesendjobfinish: ['MsgID', 'Status'],
  masssendjobfinish: ['MsgID', 'Status', 'TotalCount', 'FilterCount', 'SentCount', 'ErrorCount', 'CopyrightCheckResult'],
  subscribe_msg_popup_event: ['SubscribeMsgPopupEvent'],
  subscribe_msg_change_event: ['SubscribeMsgChangeEvent'],
  subscribe_msg_sent_event: ['SubscribeMsgSentEvent'],
};

/** The complete dedupe key of a parsed OA push for `accountId`, in the canonical form documented above. */
export function dedupeKey(accountId: string, message: XmlObject): string {
  const msgType = text(message, 'MsgType');
  const event = text(message, 'Event');
  const isEvent = msgType?.toLowerCase() === 'event';
  if (!isEvent && msgType !== undefined && isOneOf(OA_MESSAGE_TYPES, msgType.toLowerCase())) {
    const msgId = text(message, 'MsgId');
    if (msgId !== undefined && msgId !== '') {
      return canonicalJson([DEDUPE_KEY_VERSION, 'msg', accountId, msgType, msgId, field(message, 'FromUserName')]);
    }
  }
  const lower = event?.toLowerCase();
  if (isEvent && event !== undefined && lower !== undefined && isOneOf(OA_EVENT_TYPES, lower)) {
    const discriminators = EVENT_DISCRIMINATORS[lower].map((name) => field(message, name));
    return canonicalJson([DEDUPE_KEY_VERSION, 'event', accountId, field(message, 'FromUserName'), field(message, 'CreateTime'), event, ...discriminators]);
  }
  return canonicalJson([DEDUPE_KEY_VERSION, 'raw', accountId, canonicalHash(message)]);
}

function field(message: XmlObject, name: string): XmlValue | null {
  return Object.hasOwn(message, name) ? (message[name] as XmlValue) : null;
}

function text(message: XmlObject, name: string): string | undefined {
  const value = field(message, name);
  return typeof value === 'string' ? value : undefined;
}

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}
