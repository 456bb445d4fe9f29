/** Every string the WeCom content sidebar shows, in each supported language. */
import type { ConsentLanguage } from '../consent/config';

export interface SidebarText {
  languageName: string;
  title: string;
  intro: string;
  empty: string;
  send: string;
  kind: Record<'text' | 'image' | 'link', string>;
  version: string;
  /** Shown until the JS-SDK is configured. */
  connecting: string;
  ready: string;
  sending: string;
  sent: string;
  cancelled: string;
  failed: string;
  configFailed: string;
  notInWecom: string;
  errorTitle: string;
  errorId: string;
}

const ZH: SidebarText = {
  languageName: '中文',
  title: '合规内容库',
  intro: '以下内容均已通过合规审批，可直接发送给当前聊天的客户。发送的消息会被存档并标记为预审内容。',
  empty: '暂无已审批的内容。',
  send: '发送',
  kind: { text: '文字', image: '图片', link: '链接' },
  version: '版本',
  connecting: '正在连接企业微信…',
  ready: '可以发送',
  sending: '正在发送…',
  sent: '已发送',
  cancelled: '已取消发送',
  failed: '发送失败，请重试',
  configFailed: '企业微信接口未就绪，请重新打开侧边栏',
  notInWecom: '请在企业微信聊天工具栏中打开',
  errorTitle: '无法完成操作',
  errorId: '错误编号',
};

const EN: SidebarText = {
  languageName: 'English',
  title: 'Approved content',
  intro: 'Everything here was approved by Compliance and can be sent to the client in this chat. Sent messages are archived and marked as pre-approved.',
  empty: 'No approved content yet.',
  send: 'Send',
  kind: { text: 'Text', image: 'Image', link: 'Link' },
  version: 'Version',
  connecting: 'Connecting to WeCom…',
  ready: 'Ready to send',
  sending: 'Sending…',
  sent: 'Sent',
  cancelled: 'Sending cancelled',
  failed: 'Could not send; try again',
  configFailed: 'WeCom is not ready; open the sidebar again',
  notInWecom: 'Open this page from the WeCom chat toolbar',
  errorTitle: 'We could not complete this',
  errorId: 'Error id',
};

/** The strings of `language`. */
export function sidebarText(language: ConsentLanguage): SidebarText {
  return language === 'en' ? EN : ZH;
}
