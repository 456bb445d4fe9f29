/**
 * WeCom callback events the simulator models (wecom.md §5.1), as plaintext
 * XML in the shape of Tencent's sample. Delivering them (WeCom's callback
 * crypto) is not part of the simulator yet; tests hand the XML to whatever
 * needs it.
 */
import { bare, cdata, renderXml, type XmlNode } from './xml-builder';

/** `change_external_contact` / `add_external_contact`: a member and a customer became contacts. */
export function addExternalContactEvent(p: {
  corpId: string;
  userid: string;
  externalUserId: string;
  welcomeCode: string;
  state?: string;
  /** Unix seconds. */
  createTime: number;
}): string {
  const fields: XmlNode[] = [
    cdata('ToUserName', p.corpId),
    cdata('FromUserName', 'sys'),
    bare('CreateTime', p.createTime),
    cdata('MsgType', 'event'),
    cdata('Event', 'change_external_contact'),
    cdata('ChangeType', 'add_external_contact'),
    cdata('UserID', p.userid),
    cdata('ExternalUserID', p.externalUserId),
  ];
  if (p.state !== undefined) fields.push(cdata('State', p.state));
  fields.push(cdata('WelcomeCode', p.welcomeCode));
  return renderXml(fields);
}
