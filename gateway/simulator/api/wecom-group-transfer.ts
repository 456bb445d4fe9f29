/**
 * Customer groups to a new owner (wecom.md §4.6 "Group chats"), contact secret only (48002):
 *
 *   POST /cgi-bin/externalcontact/groupchat/onjob_transfer  (owner in service)
 *   POST /cgi-bin/externalcontact/groupchat/transfer        (owner departed)
 *        {"chat_id_list":[1 … 100],"new_owner"} → {"failed_chat_list":[{"chat_id","errcode","errmsg"}]}
 *
 * The new owner takes over at once [S: no waiting period is documented for groups].
 * Call level: 40058 an empty list, more than 100 ids or no new_owner [S]; 40003 a
 * new owner who is not a member in service [S]. Per group (Tencent's global codes):
 * 90501 not a customer group the corp knows; 90502 (in service) the owner has left;
 * 90500 (departed) the owner has not left; 90504 the owner would not change. The
 * 2-per-90-days rule for in-service groups and the 300 groups per day per owner are
 * not modelled (no errcode documented).
 */
import { nonEmptyString } from './json-io';
import { activeMember, contactEndpoint, stringList } from './contact-endpoint';
import { wecomFail, wecomOk, type WecomApiDeps, type WecomResult } from './wecom-endpoint';
import { WECOM_ERRMSG } from '../wecom-error';

export const GROUPCHAT_ONJOB_TRANSFER_PATH = '/cgi-bin/externalcontact/groupchat/onjob_transfer';
export const GROUPCHAT_TRANSFER_PATH = '/cgi-bin/externalcontact/groupchat/transfer';

type GroupErrcode = 90500 | 90501 | 90502 | 90504;

/** `groupchat/onjob_transfer` (`in-service`) or `groupchat/transfer` (`resigned`)'s middleware. */
export function groupTransferEndpoint(deps: WecomApiDeps, kind: 'in-service' | 'resigned') {
  const path = kind === 'in-service' ? GROUPCHAT_ONJOB_TRANSFER_PATH : GROUPCHAT_TRANSFER_PATH;
  return contactEndpoint(deps, path, ({ corp, body }): WecomResult => {
    const chatIds = stringList(body.chat_id_list);
    if (!chatIds || chatIds.length === 0 || chatIds.length > deps.limits.groupTransferMax) return wecomFail(40058, `invalid Request Parameter: chat_id_list must list 1-${deps.limits.groupTransferMax} chat ids`);
    const newOwnerId = nonEmptyString(body, 'new_owner');
    if (newOwnerId === undefined) return wecomFail(40058, 'invalid Request Parameter: new_owner missing');
    const newOwner = activeMember(deps, corp.corpId, newOwnerId);
    if (newOwner === undefined) return wecomFail(40003, `invalid userid: new_owner ${newOwnerId} is not a member in service`);
    const now = deps.clock.now();
    const failed: { chat_id: string; errcode: GroupErrcode; errmsg: string }[] = [];
    for (const chatId of chatIds) {
      const group = deps.contacts.group(corp.corpId, chatId);
      const ownerLeft = group !== undefined && deps.contacts.departedAt(corp.corpId, group.owner) !== undefined;
      let errcode: GroupErrcode | 0 = 0;
      if (!group) errcode = 90501;
      else if (kind === 'in-service' && ownerLeft) errcode = 90502;
      else if (kind === 'resigned' && !ownerLeft) errcode = 90500;
      else if (group.owner.toLowerCase() === newOwner.toLowerCase()) errcode = 90504;
      if (errcode !== 0 || !group) {
        failed.push({ chat_id: chatId, errcode: errcode as GroupErrcode, errmsg: WECOM_ERRMSG[errcode as GroupErrcode] });
        continue;
      }
      group.owner = newOwner;
      group.status = kind === 'in-service' ? 0 : 3;
      if (kind === 'in-service') group.onjobTransfers.push(now);
      if (!group.members.some((m) => m.id.toLowerCase() === newOwner.toLowerCase())) group.members.push({ id: newOwner, joinedAt: now });
    }
    return wecomOk({ failed_chat_list: failed });
  });
}
