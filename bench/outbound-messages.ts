/**
 * Customer-service texts for the outbound benchmark: what a retail bank's CRM
 * sends followers who wrote in (bill reminders, transfers received,
 * appointments, hand-over to an RM), each with its own service number. The
 * bundled policy allows every one (no lexicon term, no PII: no 11-digit or
 * card-length digit runs), and because the service number makes every text
 * distinct, FINRA 2210's "same content to more than 25 retail recipients"
 * never holds one. The service number is also how the benchmark checks
 * that Tencent (the simulator) received each message exactly once.
 */

const BRANCHES = ['陆家嘴', '国贸', '天河', '南山', '西湖', '解放碑', '鼓楼', '中关村'];
const MANAGERS = ['王经理', '李经理', '张经理', '陈经理', '刘经理'];

const TEXTS: ((n: number) => string)[] = [
  (n) => `您好，您尾号${tail(n)}的信用卡本期账单已出，应还金额${amount(n)}元，最后还款日为${month(n)}月${day(n)}日，请按时还款。`,
  (n) => `尊敬的客户，您预约的${BRANCHES[n % BRANCHES.length]}支行业务已受理，请于${month(n)}月${day(n)}日携带有效身份证件到网点办理。`,
  (n) => `您好，您尾号${tail(n)}的账户于${month(n)}月${day(n)}日收到转账人民币${amount(n)}元，如有疑问请回复本消息。`,
  (n) => `感谢您的来信，您反馈的问题已转交${MANAGERS[n % MANAGERS.length]}，我们将在一个工作日内与您联系，请保持电话畅通。`,
  (n) => `您好，您咨询的大额存单产品本周可在手机银行查看，产品有风险，具体以产品说明书为准，详情请咨询您的客户经理（${BRANCHES[n % BRANCHES.length]}支行）。`,
];

const tail = (n: number) => String(1000 + ((n * 7919) % 9000));
const amount = (n: number) => `${(n * 37) % 50_000}.${String(n % 100).padStart(2, '0')}`;
const month = (n: number) => 1 + (n % 12);
const day = (n: number) => 1 + (n % 28);

/** The text of message `n` of run `tag`, ending in its service number. */
export function serviceText(tag: string, n: number): string {
  return `${TEXTS[n % TEXTS.length]!(n)}（服务编号 ${serviceNumber(tag, n)}）`;
}

/** `tag` + zero-padded `n`: letters, a dash and digits only. */
export function serviceNumber(tag: string, n: number): string {
  return `${tag}-${String(n).padStart(6, '0')}`;
}

const NUMBER_IN_TEXT = /服务编号 ([A-Z]+-\d+)）$/;

/** The service number a received text carries, or undefined. */
export function serviceNumberOf(content: unknown): string | undefined {
  return typeof content === 'string' ? NUMBER_IN_TEXT.exec(content)?.[1] : undefined;
}

/** The custom/send JSON body Tencent's reference shows for a text. */
export function customTextBody(openid: string, content: string): string {
  return JSON.stringify({ touser: openid, msgtype: 'text', text: { content } });
}
