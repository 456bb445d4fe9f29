/**
 * Reads the routing facts out of a push the simulator itself built: who sent
 * it, to which account, and what kind it is. Regex is enough because the
 * input is our own builder's output (CDATA text, one element per field).
 */

/** What the simulator needs to know about a push to route it and track followers. */
export interface PushFacts {
  toUserName: string;
  fromUserName: string;
  msgType: string;
  event?: string;
  /** Events only: the EventKey (menu key, `qrscene_…` on a follow through a parametric QR code, SCAN scene). */
  eventKey?: string;
}

function cdataField(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}><!\\[CDATA\\[([^\\]]*)\\]\\]></${name}>`).exec(xml)?.[1];
}

/** @throws Error when the XML lacks ToUserName, FromUserName or MsgType. */
export function readPushFacts(xml: string): PushFacts {
  const toUserName = cdataField(xml, 'ToUserName');
  const fromUserName = cdataField(xml, 'FromUserName');
  const msgType = cdataField(xml, 'MsgType');
  if (toUserName === undefined || fromUserName === undefined || msgType === undefined) {
    throw new Error('push XML must carry ToUserName, FromUserName and MsgType as CDATA');
  }
  const event = msgType === 'event' ? cdataField(xml, 'Event') : undefined;
  const eventKey = msgType === 'event' ? cdataField(xml, 'EventKey') : undefined;
  return { toUserName, fromUserName, msgType, ...(event !== undefined ? { event } : {}), ...(eventKey !== undefined ? { eventKey } : {}) };
}

/** One template's answer in a subscription popup or change event. */
export interface SubscriptionChoice {
  templateId: string;
  status: string;
}

/** The `<List>` entries of `subscribe_msg_popup_event` / `subscribe_msg_change_event` (wechat-oa.md §3). */
export function readSubscriptionChoices(xml: string): SubscriptionChoice[] {
  const choices: SubscriptionChoice[] = [];
  for (const [, list] of xml.matchAll(/<List>([\s\S]*?)<\/List>/g)) {
    const templateId = cdataField(list as string, 'TemplateId');
    const status = cdataField(list as string, 'SubscribeStatusString');
    if (templateId !== undefined && status !== undefined) choices.push({ templateId, status });
  }
  return choices;
}
