/**
 * `POST /cgi-bin/externalcontact/send_welcome_msg` (wecom.md §4.4): greets a
 * new customer with the WelcomeCode of the add_external_contact event; needs
 * the customer-contact secret's token (48002 otherwise). 41049 no code;
 * 41050 unknown, expired (20 s) or already used [S: WeCom's "invalid
 * welcome_code" covers expiry; reuse and strangers get the same]. Content
 * rules as add_msg_template (44004, 45002, 41064, 41065).
 */
import { wecomEndpoint, wecomFail, wecomOk, type WecomApiDeps, type WecomResult } from './wecom-endpoint';
import { checkCustomerContent } from './wecom-payloads';

export const SEND_WELCOME_MSG_PATH = '/cgi-bin/externalcontact/send_welcome_msg';

/** `send_welcome_msg`'s middleware. */
export function sendWelcomeMsgEndpoint(deps: WecomApiDeps) {
  return wecomEndpoint(deps, SEND_WELCOME_MSG_PATH, ({ principal, corp, body }): WecomResult => {
    if (principal.kind !== 'contact') return wecomFail(48002, 'api forbidden: send_welcome_msg needs the customer contact secret');
    if (typeof body.welcome_code !== 'string' || body.welcome_code === '') return wecomFail(41049);
    const contentProblem = checkCustomerContent(body, { attachmentsMax: deps.limits.attachmentsMax, textMaxBytes: deps.limits.taskTextMaxBytes });
    if (contentProblem) return contentProblem;
    const grant = deps.welcomeCodes.redeem(corp.corpId, body.welcome_code);
    if (grant === 41050) return wecomFail(41050);
    deps.received.record({ product: 'wecom', corpId: corp.corpId, path: SEND_WELCOME_MSG_PATH, body, at: deps.clock.now(), recipients: [grant.externalUserId] });
    return wecomOk();
  });
}
