/**
 * The one error type of the WeCom content sidebar: a stable code, its HTTP
 * status and what the RM is told in each language. Answered in one place
 * (sidebar-respond.ts): a localized page, or RFC 9457 problem+json
 * (`https://cgw.dev/problems/sidebar/<code>`) for the page's own fetches.
 * Codes are stable: they appear in `sidebar.rejected` audit rows.
 */
import { randomUUID } from 'node:crypto';
import type { ConsentLanguage } from '../consent/config';

interface ErrorSpec {
  status: number;
  title: string;
  user: Record<ConsentLanguage, string>;
  /** Whether the refusal is audited (not for paths nobody serves). */
  audit: boolean;
}

const REOPEN_ZH = '请从企业微信聊天工具栏重新打开。';
const REOPEN_EN = 'Open the sidebar again from the WeCom chat toolbar.';

export const SIDEBAR_ERRORS = {
  'sidebar.not_found': { status: 404, title: 'No such sidebar page', user: { 'zh-CN': '页面不存在。', en: 'There is no such page.' }, audit: false },
  'sidebar.method_not_allowed': { status: 405, title: 'Method not allowed on this sidebar page', user: { 'zh-CN': '不支持此操作。', en: 'This action is not supported here.' }, audit: false },
  'corp.unknown': { status: 404, title: 'No sidebar is configured for this corp', user: { 'zh-CN': '该企业未开通内容库侧边栏。', en: 'The content sidebar is not set up for this company.' }, audit: true },
  'request.malformed': { status: 400, title: 'Malformed request', user: { 'zh-CN': '请求不完整或格式有误。' + REOPEN_ZH, en: 'The request was incomplete or malformed. ' + REOPEN_EN }, audit: true },
  'oauth.state_invalid': { status: 400, title: 'The authorization state is unknown, expired or already used', user: { 'zh-CN': '登录已过期或已被使用。' + REOPEN_ZH, en: 'This sign-in has expired or was already used. ' + REOPEN_EN }, audit: true },
  'oauth.code_rejected': { status: 400, title: 'WeCom refused the authorization code', user: { 'zh-CN': '企业微信授权已失效。' + REOPEN_ZH, en: 'The WeCom sign-in is no longer valid. ' + REOPEN_EN }, audit: true },
  'oauth.not_member': { status: 403, title: 'Only members of the corp may use the sidebar', user: { 'zh-CN': '仅限本企业员工使用。', en: 'Only staff of this company can use the content sidebar.' }, audit: true },
  'upstream.unavailable': { status: 503, title: 'WeCom could not be reached; try again', user: { 'zh-CN': '暂时无法连接企业微信，请稍后重试。', en: 'WeCom cannot be reached right now. Please try again shortly.' }, audit: true },
  'session.missing': { status: 401, title: 'No sidebar session (expired, or opened outside WeCom)', user: { 'zh-CN': '会话已过期。' + REOPEN_ZH, en: 'Your session has expired. ' + REOPEN_EN }, audit: true },
  'csrf.origin': { status: 403, title: 'The request did not come from the sidebar', user: { 'zh-CN': '请求来源无效，未做任何操作。', en: 'This request did not come from the sidebar; nothing was done.' }, audit: true },
  'url.foreign': { status: 400, title: 'Only the sidebar page itself is signed', user: { 'zh-CN': '页面地址无效。' + REOPEN_ZH, en: 'The page address is not valid. ' + REOPEN_EN }, audit: true },
  'item.not_approved': { status: 404, title: 'No approved content item with this id', user: { 'zh-CN': '该内容不存在或已下架。', en: 'This content does not exist or was withdrawn.' }, audit: true },
  internal: { status: 500, title: 'Internal error', user: { 'zh-CN': '系统繁忙，请稍后重试。', en: 'Something went wrong on our side. Please try again shortly.' }, audit: false },
} as const satisfies Record<string, ErrorSpec>;

export type SidebarErrorCode = keyof typeof SIDEBAR_ERRORS;

export const SIDEBAR_PROBLEM_BASE = 'https://cgw.dev/problems/sidebar/';

/** A refused sidebar request; `problem` narrows the code (never a value from the request). */
export class SidebarError extends Error {
  override readonly name = 'SidebarError';
  readonly errorId = randomUUID();

  constructor(readonly code: SidebarErrorCode, readonly problem?: string, options?: { cause?: unknown }) {
    super(`${code}${problem ? ` (${problem})` : ''}`, options);
  }

  get status(): number {
    return SIDEBAR_ERRORS[this.code].status;
  }

  /** The problem type URI. */
  get type(): string {
    return SIDEBAR_PROBLEM_BASE + this.code.replaceAll('.', '-').replaceAll('_', '-');
  }
}
