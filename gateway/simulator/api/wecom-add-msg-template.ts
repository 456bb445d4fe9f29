/**
 * `POST /cgi-bin/externalcontact/add_msg_template` (wecom.md §4.4): creates a
 * mass-send task to customers that the member confirms later; needs the
 * customer-contact secret's token (an app token gets 48002).
 * external_userid ≤ 10,000 and chat_id_list ≤ 2,000 (40058 beyond [S]),
 * attachments ≤ 9 (41064), known attachment types (41065), text ≤ 4,000
 * bytes (45002). Unknown customers and those over their monthly cap (days in
 * the month, counted when the task is created [S]) go to `fail_list`; nobody
 * left → 41048 [S]. Without external_userid a single-chat task goes to all of
 * the corp's customers (the simulator does not track which member owns which
 * customer) [S].
 */
import { beijingMonth, wecomEndpoint, wecomFail, wecomOk, type WecomApiDeps, type WecomResult } from './wecom-endpoint';
import { checkCustomerContent } from './wecom-payloads';

export const ADD_MSG_TEMPLATE_PATH = '/cgi-bin/externalcontact/add_msg_template';

const stringList = (value: unknown): string[] | undefined =>
  value === undefined ? [] : Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;

/** Customers under their monthly cap are counted and kept; the rest are returned as failed. */
function applyMonthlyCap(deps: WecomApiDeps, corpId: string, customers: string[]): { sent: string[]; capped: string[] } {
  const month = beijingMonth(deps.clock.now());
  const cap = deps.limits.customerMonthlyCap ?? month.days;
  const sent: string[] = [];
  const capped: string[] = [];
  for (const customer of customers) {
    if (deps.counter.take(`wecom:${corpId}:mass-received:${customer}`, month.key, cap)) sent.push(customer);
    else capped.push(customer);
  }
  return { sent, capped };
}

/** `add_msg_template`'s middleware. */
export function addMsgTemplateEndpoint(deps: WecomApiDeps) {
  return wecomEndpoint(deps, ADD_MSG_TEMPLATE_PATH, ({ principal, corp, body }): WecomResult => {
    if (principal.kind !== 'contact') return wecomFail(48002, 'api forbidden: add_msg_template needs the customer contact secret');
    const chatType = body.chat_type ?? 'single';
    if (chatType !== 'single' && chatType !== 'group') return wecomFail(40058, 'invalid Request Parameter: chat_type');
    const externalUserIds = stringList(body.external_userid);
    const chatIds = stringList(body.chat_id_list);
    if (!externalUserIds || !chatIds) return wecomFail(40058, 'invalid Request Parameter: external_userid and chat_id_list must be lists of ids');
    if (externalUserIds.length > deps.limits.externalUserMax) return wecomFail(40058, `invalid Request Parameter: external_userid has ${externalUserIds.length} > ${deps.limits.externalUserMax}`);
    if (chatIds.length > deps.limits.chatIdMax) return wecomFail(40058, `invalid Request Parameter: chat_id_list has ${chatIds.length} > ${deps.limits.chatIdMax}`);
    if (body.sender !== undefined && !corp.members.some((m) => m.toLowerCase() === String(body.sender).toLowerCase())) return wecomFail(40003, `invalid userid: sender ${String(body.sender)}`);
    const contentProblem = checkCustomerContent(body, { attachmentsMax: deps.limits.attachmentsMax, textMaxBytes: deps.limits.taskTextMaxBytes });
    if (contentProblem) return contentProblem;

    let recipients: string[];
    let failList: string[] = [];
    if (chatType === 'group') recipients = [...new Set(chatIds)];
    else {
      const known = deps.externalContacts.get(corp.corpId) ?? new Set<string>();
      const wanted = externalUserIds.length > 0 ? [...new Set(externalUserIds)] : [...known];
      const { sent, capped } = applyMonthlyCap(deps, corp.corpId, wanted.filter((id) => known.has(id)));
      recipients = sent;
      failList = [...wanted.filter((id) => !known.has(id)), ...capped];
    }
    if (recipients.length === 0) return wecomFail(41048);
    const msgid = deps.ids.wecomTaskId();
    deps.received.record({ product: 'wecom', corpId: corp.corpId, path: ADD_MSG_TEMPLATE_PATH, body, at: deps.clock.now(), msgid, recipients });
    return wecomOk({ fail_list: failList, msgid });
  });
}
