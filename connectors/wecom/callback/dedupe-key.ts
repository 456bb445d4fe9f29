/**
 * The dedupe key of a WeCom callback push: equal for WeCom's retries of one
 * push (a retry repeats the same decrypted message element for element; only
 * the ciphertext, timestamp and nonce change), different for any two pushes
 * that mean different things.
 *
 * CreateTime has one-second resolution and one action yields several events
 * in the same second (an RM adding two customers, a customer added to two
 * RMs, a group update adding and another removing members), so a key holds
 * the type and every element that tells two events of that type apart, as
 * listed in WECOM_CALLBACK_EVENTS (event-types.ts). Anything Tencent sends
 * beyond those (a field added later) is folded in as a hash, so the key stays
 * complete by construction: dropping a distinguishing element would silently
 * lose an event from the archive; including one costs nothing.
 *
 * Canonical form: canonicalJson (connectors/canonical/json.ts) of one of
 * these arrays, null for an absent element, values exactly as sent (Event and
 * ChangeType keep their case, CreateTime and AgentID are the wire strings):
 *   known event: ["v1","wecom-event", corpConfigId, Event, ChangeType, FromUserName, CreateTime, AgentID, ...discriminators, rest]
 *   message:     ["v1","wecom-msg",   corpConfigId, MsgType, MsgId, FromUserName, AgentID]
 *   other:       ["v1","wecom-raw",   corpConfigId, canonicalHash(message)]
 * `rest` is null, or the canonicalHash of the object of every element that is
 * neither common (ToUserName, FromUserName, CreateTime, MsgType, Event,
 * ChangeType, AgentID) nor one of the type's discriminators. "other" covers
 * unknown events and change types and a message without MsgId: the whole
 * message is the only safe discriminator. The "wecom-" tags keep these keys
 * apart from OA and chat-archive keys, which share the archive's dedupe index.
 *
 * Examples: change_external_contact/add_external_contact →
 * [corp, Event, ChangeType, "sys", CreateTime, AgentID, UserID, ExternalUserID, State, WelcomeCode, rest];
 * msgaudit_notify → [corp, Event, null, "sys", CreateTime, AgentID, rest].
 *
 * The key contains external_userids and userids: the archive stores it as a keyed hash only.
 */
import type { XmlObject, XmlValue } from '../../canonical/chat-event';
import { canonicalHash, canonicalJson } from '../../canonical/json';
import { classify, COMMON_ELEMENTS, WECOM_CALLBACK_EVENTS } from './event-types';

const DEDUPE_KEY_VERSION = 'v1';

/** The complete dedupe key of a parsed WeCom push for corp `corpConfigId`, in the canonical form documented above. */
export function wecomDedupeKey(corpConfigId: string, message: XmlObject): string {
  const msgType = text(message, 'MsgType');
  const type = classify(msgType ?? '', text(message, 'Event'), text(message, 'ChangeType'));
  if (type !== 'unknown') {
    const wires: readonly string[] = WECOM_CALLBACK_EVENTS[type].map(([wire]) => wire);
    const rest: XmlObject = {};
    for (const [name, value] of Object.entries(message)) {
      if (!COMMON_ELEMENTS.has(name) && !wires.includes(name)) rest[name] = value;
    }
    return canonicalJson([
      DEDUPE_KEY_VERSION, 'wecom-event', corpConfigId,
      field(message, 'Event'), field(message, 'ChangeType'), field(message, 'FromUserName'), field(message, 'CreateTime'), field(message, 'AgentID'),
      ...wires.map((wire) => field(message, wire)),
      Object.keys(rest).length > 0 ? canonicalHash(rest) : null,
    ]);
  }
  const msgId = text(message, 'MsgId');
  if (msgType !== undefined && msgType.toLowerCase() !== 'event' && msgId !== undefined && msgId !== '') {
    return canonicalJson([DEDUPE_KEY_VERSION, 'wecom-msg', corpConfigId, msgType, msgId, field(message, 'FromUserName'), field(message, 'AgentID')]);
  }
  return canonicalJson([DEDUPE_KEY_VERSION, 'wecom-raw', corpConfigId, canonicalHash(message)]);
}

function field(message: XmlObject, name: string): XmlValue | null {
  return Object.hasOwn(message, name) ? (message[name] as XmlValue) : null;
}

function text(message: XmlObject, name: string): string | undefined {
  const value = field(message, name);
  return typeof value === 'string' ? value : undefined;
}
