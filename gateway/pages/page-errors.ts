/**
 * The one error type of the consent and bind pages: a stable code, its HTTP
 * status, and the sentence shown to the WeChat user in each language. Mapped
 * to the wire in one place (respond.ts): a localized HTML page, or RFC 9457
 * problem+json (`https://cgw.dev/problems/page/<code>`) for clients that do
 * not ask for HTML. Codes are stable: they appear in audit rows.
 */
import { randomUUID } from 'node:crypto';
import type { ConsentLanguage } from '../consent/config';

interface ErrorSpec {
  status: number;
  /** English title for problem+json. */
  title: string;
  /** What the person sees and can do. */
  user: Record<ConsentLanguage, string>;
  /** Whether a rejection is written to the audit log (not for paths nobody serves). */
  audit: boolean;
  /** Whether the page offers "start again" (a fresh OAuth round trip). */
  restart: boolean;
}

const REOPEN_ZH = '请从公众号消息中重新打开本页面。';
const REOPEN_EN = 'Please open this page again from the Official Account message.';

export const PAGE_ERRORS = {
  'page.not_found': { status: 404, title: 'No such page', user: { 'zh-CN': '页面不存在。', en: 'There is no such page.' }, audit: false, restart: false },
  'page.method_not_allowed': { status: 405, title: 'Method not allowed on this page', user: { 'zh-CN': '不支持此操作。', en: 'This action is not supported here.' }, audit: false, restart: false },
  'account.unknown': { status: 404, title: 'Unknown Official Account', user: { 'zh-CN': '找不到该公众号的页面。', en: 'There is no such Official Account page.' }, audit: true, restart: false },
  'bind.disabled': { status: 404, title: 'Binding is not offered', user: { 'zh-CN': '本公众号暂未开通身份绑定。', en: 'This Official Account does not offer linking.' }, audit: true, restart: false },
  'request.malformed': { status: 400, title: 'Malformed request', user: { 'zh-CN': '请求不完整或格式有误。' + REOPEN_ZH, en: 'The request was incomplete or malformed. ' + REOPEN_EN }, audit: true, restart: true },
  'request.unsupported_media_type': { status: 415, title: 'The form must be application/x-www-form-urlencoded', user: { 'zh-CN': '请求格式不受支持。', en: 'This request format is not supported.' }, audit: true, restart: true },
  'request.too_large': { status: 413, title: 'The request is too large', user: { 'zh-CN': '请求内容过大。', en: 'The request is too large.' }, audit: true, restart: true },
  'oauth.state_invalid': { status: 400, title: 'The authorization state is unknown, expired or already used', user: { 'zh-CN': '链接已过期或已被使用。' + REOPEN_ZH, en: 'This link has expired or was already used. ' + REOPEN_EN }, audit: true, restart: true },
  'oauth.code_rejected': { status: 400, title: 'WeChat refused the authorization code', user: { 'zh-CN': '微信授权已失效（授权码无效、已使用或已过期）。' + REOPEN_ZH, en: 'The WeChat authorization is no longer valid (the code is invalid, used or expired). ' + REOPEN_EN }, audit: true, restart: true },
  'oauth.snapshot_user': { status: 403, title: 'Snapshot-page virtual users cannot give consent or link', user: { 'zh-CN': '当前为朋友圈快照页模式，请点击“使用完整服务”后重试。', en: 'You are viewing a snapshot page. Tap "Use full service" and try again.' }, audit: true, restart: false },
  'upstream.unavailable': { status: 503, title: 'WeChat could not be reached; try again', user: { 'zh-CN': '暂时无法连接微信，请稍后重试。', en: 'WeChat cannot be reached right now. Please try again shortly.' }, audit: true, restart: true },
  'session.missing': { status: 401, title: 'No page session (expired, or opened outside this browser)', user: { 'zh-CN': '页面会话已过期或无效。' + REOPEN_ZH, en: 'Your page session has expired or is not valid. ' + REOPEN_EN }, audit: true, restart: true },
  'csrf.origin': { status: 403, title: 'The request did not come from this site', user: { 'zh-CN': '请求来源无效，未做任何更改。' + REOPEN_ZH, en: 'This request did not come from our page; nothing was changed. ' + REOPEN_EN }, audit: true, restart: true },
  'form.token_invalid': { status: 403, title: 'The form was already submitted, has expired, or is not yours', user: { 'zh-CN': '该表单已提交过、已过期或无效，未做任何更改。请重新打开页面查看当前状态。', en: 'This form was already submitted, has expired or is not valid; nothing was changed. Open the page again to see where you stand.' }, audit: true, restart: true },
  'form.notice_changed': { status: 409, title: 'A notice changed while the form was open', user: { 'zh-CN': '在您阅读期间说明内容已更新，未做任何更改。请重新阅读后再选择。', en: 'A notice was updated while you were reading; nothing was changed. Please read it again before choosing.' }, audit: true, restart: true },
  'form.no_choice': { status: 400, title: 'No choice was made', user: { 'zh-CN': '请至少对一项选择“同意”或“不同意”。', en: 'Please choose "Agree" or "Do not agree" for at least one item.' }, audit: true, restart: true },
  'bind.state_invalid': { status: 400, title: 'The login state is unknown, expired or already used', user: { 'zh-CN': '登录链接已过期或已被使用，未做任何绑定。请重新开始。', en: 'The login link has expired or was already used; nothing was linked. Please start again.' }, audit: true, restart: true },
  'bind.session_mismatch': { status: 403, title: 'The login was started in another page session', user: { 'zh-CN': '登录与当前会话不匹配，未做任何绑定。请重新开始。', en: 'This login does not belong to this page session; nothing was linked. Please start again.' }, audit: true, restart: true },
  'binding.conflict': { status: 409, title: 'The WeChat id belongs to another Official Account', user: { 'zh-CN': '该微信身份属于其他公众号，无法在此绑定。', en: 'This WeChat identity belongs to another Official Account and cannot be linked here.' }, audit: true, restart: false },
  'assertion.invalid': { status: 403, title: "The bank's assertion failed verification", user: { 'zh-CN': '银行身份验证结果无效，未做任何绑定。请重新开始。', en: "The bank's confirmation could not be verified; nothing was linked. Please start again." }, audit: true, restart: true },
  'assertion.keys_unavailable': { status: 503, title: "The bank's signing keys could not be fetched; try again", user: { 'zh-CN': '暂时无法验证银行身份，请稍后重试。', en: "The bank's confirmation cannot be checked right now. Please try again shortly." }, audit: true, restart: true },
  internal: { status: 500, title: 'Internal error', user: { 'zh-CN': '系统繁忙，请稍后重试。', en: 'Something went wrong on our side. Please try again shortly.' }, audit: false, restart: true },
} as const satisfies Record<string, ErrorSpec>;

export type PageErrorCode = keyof typeof PAGE_ERRORS;

/** The base of the pages' problem type URIs. */
export const PAGE_PROBLEM_BASE = 'https://cgw.dev/problems/page/';

/** A refused page request. `problem` narrows the code for the audit row and the log (e.g. `audience` for assertion.invalid); never a value from the request. */
export class PageError extends Error {
  override readonly name = 'PageError';
  readonly errorId = randomUUID();

  constructor(readonly code: PageErrorCode, readonly problem?: string, options?: { cause?: unknown }) {
    super(`${code}${problem ? ` (${problem})` : ''}`, options);
  }

  get status(): number {
    return PAGE_ERRORS[this.code].status;
  }

  /** The problem type URI. */
  get type(): string {
    return PAGE_PROBLEM_BASE + this.code.replaceAll('.', '-').replaceAll('_', '-');
  }
}
