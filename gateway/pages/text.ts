/** Every user-facing string of the consent and bind pages, in each supported language. */
import type { ConsentLanguage } from '../consent/config';
import type { PurposeState } from '../consent/ports';

export interface PageText {
  languageName: string;
  consentTitle: string;
  consentIntro: string;
  agree: string;
  disagree: string;
  /** Shown under a granted purpose: choosing "do not agree" withdraws it. */
  withdrawHint: string;
  state: Record<PurposeState, string>;
  since: string;
  noticeVersion: string;
  submit: string;
  savedTitle: string;
  savedIntro: string;
  nowGranted: string;
  nowWithdrawn: string;
  unchanged: string;
  notAnswered: string;
  changed: string;
  reviewAgain: string;
  bindTitle: string;
  boundTitle: string;
  boundText(maskedCustomerId: string): string;
  errorTitle: string;
  errorId: string;
  startAgain: string;
}

const ZH: PageText = {
  languageName: '中文',
  consentTitle: '个人信息处理授权',
  consentIntro: '以下各项相互独立，请逐项选择“同意”或“不同意”。您可以随时回到本页撤回已给予的同意，撤回不影响撤回前的处理。',
  agree: '同意',
  disagree: '不同意',
  withdrawHint: '选择“不同意”即撤回此项同意。',
  state: {
    granted: '当前：已同意',
    withdrawn: '当前：已撤回',
    missing: '当前：尚未选择',
    stale: '当前：您曾按旧版说明同意，说明已更新，请重新确认',
  },
  since: '时间',
  noticeVersion: '说明版本',
  submit: '提交我的选择',
  savedTitle: '已保存您的选择',
  savedIntro: '以下是您目前的授权状态。您可以随时回到本页修改或撤回。',
  nowGranted: '已同意',
  nowWithdrawn: '已撤回 / 不同意',
  unchanged: '（与之前相同，已确认）',
  notAnswered: '未选择',
  changed: '（本次更改）',
  reviewAgain: '返回修改',
  bindTitle: '绑定银行客户身份',
  boundTitle: '绑定成功',
  boundText: (masked) => `您的微信已与客户号 ${masked} 绑定。如非本人操作，请立即联系本行客服。`,
  errorTitle: '无法完成操作',
  errorId: '错误编号',
  startAgain: '重新开始',
};

const EN: PageText = {
  languageName: 'English',
  consentTitle: 'How we may use your personal information',
  consentIntro: 'Each item below is separate: choose "Agree" or "Do not agree" for each. You can come back to this page at any time to withdraw a consent; withdrawing does not affect processing before it.',
  agree: 'Agree',
  disagree: 'Do not agree',
  withdrawHint: 'Choosing "Do not agree" withdraws this consent.',
  state: {
    granted: 'Now: agreed',
    withdrawn: 'Now: withdrawn',
    missing: 'Now: not chosen yet',
    stale: 'Now: granted under an older notice — the notice has changed, please confirm again',
  },
  since: 'Since',
  noticeVersion: 'Notice version',
  submit: 'Submit my choices',
  savedTitle: 'Your choices are saved',
  savedIntro: 'This is what you have now agreed to. You can come back to change or withdraw at any time.',
  nowGranted: 'Agreed',
  nowWithdrawn: 'Withdrawn / not agreed',
  unchanged: '(unchanged, confirmed)',
  notAnswered: 'Not chosen',
  changed: '(changed now)',
  reviewAgain: 'Review my choices',
  bindTitle: 'Link your bank customer profile',
  boundTitle: 'Linked',
  boundText: (masked) => `Your WeChat is now linked to customer number ${masked}. If this was not you, contact the bank at once.`,
  errorTitle: 'We could not complete this',
  errorId: 'Error id',
  startAgain: 'Start again',
};

/** The strings of `language`. */
export function textFor(language: ConsentLanguage): PageText {
  return language === 'en' ? EN : ZH;
}
