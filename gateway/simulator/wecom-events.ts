/**
 * WeCom callback events the simulator models (wecom.md §5), as plaintext XML
 * in the shape of Tencent's sample: common fields ToUserName (CorpID),
 * FromUserName `sys`, CreateTime, MsgType `event`, Event, then the event's
 * own. `pushWecomEvent` encrypts and delivers them (wecom-deliver.ts).
 */
import { bare, cdata, renderXml, type XmlNode } from './xml-builder';

/** The ChangeTypes of `change_external_contact` (wecom.md §5.1). */
export type ExternalContactChangeType =
  | 'add_external_contact'
  | 'add_half_external_contact'
  | 'edit_external_contact'
  | 'del_external_contact'
  | 'del_follow_user'
  | 'transfer_fail'
  | 'msg_audit_approved';

/** Fields of one `change_external_contact` event; which extras apply depends on the ChangeType. */
export interface ExternalContactChange {
  corpId: string;
  changeType: ExternalContactChangeType;
  userid: string;
  externalUserId: string;
  /** add_external_contact / add_half_external_contact: the contact way's `state`, when it had one. */
  state?: string;
  /** add_external_contact / add_half_external_contact / msg_audit_approved. */
  welcomeCode?: string;
  /** del_external_contact, e.g. `DELETE_BY_TRANSFER`. */
  source?: string;
  /** transfer_fail: `customer_refused` or `customer_limit_exceed`. */
  failReason?: string;
  /** Unix seconds. */
  createTime: number;
}

const EXTRAS: Record<ExternalContactChangeType, readonly ('state' | 'welcomeCode' | 'source' | 'failReason')[]> = {
  add_external_contact: ['state', 'welcomeCode'],
  add_half_external_contact: ['state', 'welcomeCode'],
  edit_external_contact: [],
  del_external_contact: ['source'],
  del_follow_user: [],
  transfer_fail: ['failReason'],
  msg_audit_approved: ['welcomeCode'],
};

const ELEMENT = { state: 'State', welcomeCode: 'WelcomeCode', source: 'Source', failReason: 'FailReason' } as const;

/** `Event = change_external_contact` with any ChangeType. @throws Error when a field the ChangeType needs is missing or one it lacks is given. */
export function changeExternalContactEvent(p: ExternalContactChange): string {
  const allowed = EXTRAS[p.changeType];
  if (!allowed) throw new Error(`unknown ChangeType ${String(p.changeType)}`);
  const fields: XmlNode[] = [...common(p.corpId, p.createTime, 'change_external_contact'), cdata('ChangeType', p.changeType), cdata('UserID', p.userid), cdata('ExternalUserID', p.externalUserId)];
  for (const name of ['state', 'welcomeCode', 'source', 'failReason'] as const) {
    const value = p[name];
    if (value !== undefined && !allowed.includes(name)) throw new Error(`${p.changeType} has no ${ELEMENT[name]}`);
    if (value !== undefined) fields.push(cdata(ELEMENT[name], value));
  }
  const required = { welcomeCode: p.changeType === 'add_external_contact' || p.changeType === 'msg_audit_approved', failReason: p.changeType === 'transfer_fail' };
  if (required.welcomeCode && p.welcomeCode === undefined) throw new Error(`${p.changeType} needs a WelcomeCode`);
  if (required.failReason && p.failReason === undefined) throw new Error('transfer_fail needs a FailReason');
  return renderXml(fields);
}

/** `change_external_contact` / `add_external_contact`: a member and a customer became contacts. */
export function addExternalContactEvent(p: { corpId: string; userid: string; externalUserId: string; welcomeCode: string; state?: string; createTime: number }): string {
  return changeExternalContactEvent({ ...p, changeType: 'add_external_contact' });
}

/** `change_external_contact` / `msg_audit_approved`: the customer agreed to chat archiving. */
export function msgAuditApprovedEvent(p: { corpId: string; userid: string; externalUserId: string; welcomeCode: string; createTime: number }): string {
  return changeExternalContactEvent({ ...p, changeType: 'msg_audit_approved' });
}

/** `msgaudit_notify` (wecom.md §5.2): new archive data is ready, pull now; AgentID is the app set to receive it. */
export function msgauditNotifyEvent(p: { corpId: string; agentId: number; createTime: number }): string {
  return renderXml([...common(p.corpId, p.createTime, 'msgaudit_notify'), bare('AgentID', p.agentId)]);
}

function common(corpId: string, createTime: number, event: string): XmlNode[] {
  return [cdata('ToUserName', corpId), cdata('FromUserName', 'sys'), bare('CreateTime', createTime), cdata('MsgType', 'event'), cdata('Event', event)];
}
