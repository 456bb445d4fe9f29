/**
 * The dedupe key of a chat-archive event: equal for every copy of one message,
 * different for any two messages.
 *
 * Rule: canonical JSON (connectors/canonical/json.ts) of
 *   ["v1", "msgaudit", corpId, msgid]
 * with the version tag first so the form can evolve.
 *
 * Why msgid, and only msgid (per corp):
 * - Tencent defines msgid as the message's unique identifier and tells
 *   integrators to dedupe on it (wecom.md §6.4); msgids are unique within a
 *   corp, and the gateway archives several corps, so the corpId is part of it.
 * - Not seq: the same message can come back under a new seq (Tencent's advice
 *   to dedupe on msgid exists because of that), and a re-pull from an older
 *   seq must not archive a second copy.
 * - Recall: the recall is its own record with its own msgid (msgtype revoke,
 *   action recall) and points at the original through revoke.pre_msgid. Both
 *   are kept. Because the key is a function of (corp, msgid) alone, the
 *   original's key is `msgauditDedupeKey(corpId, preMsgId)`: the archive links
 *   the recall to the original without knowing the original's type.
 * - Agree/disagree: each consent change is a message with its own msgid; a
 *   customer who agrees, disagrees and agrees again yields three keys, all
 *   kept for the consent ledger.
 * - Switch (切换企业日志): no msgtype, but a msgid of its own; same rule.
 * Remaining risk, accepted: Tencent reusing a msgid for different content.
 * Each event carries rawHash; the puller compares it on a dedupe hit and
 * alerts on a mismatch instead of dropping silently.
 *
 * The key holds no personal identifier (msgids carry no userid).
 */
import { canonicalJson } from '../../../canonical/json';

/** Version tag of the key form. */
export const MSGAUDIT_DEDUPE_KEY_VERSION = 'v1';

/** The dedupe key of message `msgid` archived for corp `corpId`. */
export function msgauditDedupeKey(corpId: string, msgid: string): string {
  return canonicalJson([MSGAUDIT_DEDUPE_KEY_VERSION, 'msgaudit', corpId, msgid]);
}
