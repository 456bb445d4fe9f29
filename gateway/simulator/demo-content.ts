/**
 * What simulated followers say. Bank-client small talk in Chinese and English,
 * some of it carrying a fake mobile number or a fake PRC resident-id number so
 * that redaction and PII rules downstream have something real-looking to find.
 * Every number here is generated; none belongs to anyone.
 */
import { randomString, type Rng } from './random';

const PLAIN_TEXTS = [
  '你好，我想咨询一下理财产品的收益率。',
  '我的信用卡账单好像有问题，能帮我查一下吗？',
  '请问汇款到香港一般需要多长时间？',
  '什么时候可以办理大额存单？',
  '谢谢，明白了！',
  '好的，我下午三点去网点办理。',
  '请问这只基金最近的净值是多少？',
  '客户经理今天在吗？',
  'Hi, could you send me the latest fund factsheet?',
  'Is the branch on Nanjing Road open on Saturday?',
  'Thanks, that answers my question.',
  'OK 我明天再联系你们',
] as const;

const PHONE_TEXTS = [
  '我的手机号是{phone}，麻烦客户经理回电。',
  'Please call me back at {phone}, thanks.',
  '新号码{phone}，请更新我的联系方式',
] as const;

const ID_TEXTS = [
  '身份证号{id}，请帮我核实开户信息。',
  'My ID number is {id}, is my account verified now?',
] as const;

/** A mainland mobile number: 1, a carrier prefix digit 3–9, nine more digits. */
export function fakeMobile(rng: Rng): string {
  return `1${rng.pick(['3', '5', '8', '9'])}${randomString(rng, '0123456789', 9)}`;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/**
 * An 18-character resident-id-shaped number with a correct GB 11643 check
 * character, so detectors that validate the checksum still fire.
 */
export function fakeResidentId(rng: Rng): string {
  const region = rng.pick(['110101', '310104', '440305', '330106']);
  const year = 1960 + rng.int(41);
  const month = String(1 + rng.int(12)).padStart(2, '0');
  const day = String(1 + rng.int(28)).padStart(2, '0');
  const body = `${region}${year}${month}${day}${randomString(rng, '0123456789', 3)}`;
  const sum = [...body].reduce((acc, digit, i) => acc + Number(digit) * (ID_WEIGHTS[i] as number), 0);
  return body + ID_CHECK[sum % 11];
}

/** A follower's text message; roughly one in five carries a phone number, one in ten an id number. */
export function demoText(rng: Rng): string {
  const roll = rng.int(10);
  if (roll < 2) return rng.pick(PHONE_TEXTS).replace('{phone}', fakeMobile(rng));
  if (roll < 3) return rng.pick(ID_TEXTS).replace('{id}', fakeResidentId(rng));
  return rng.pick(PLAIN_TEXTS);
}

/** Keys of the demo account's `click` menu buttons. */
export const DEMO_MENU_KEYS = ['MENU_BALANCE', 'MENU_CONTACT_RM', 'MENU_PRODUCTS', 'MENU_BRANCHES'] as const;

/** Places followers report from, with the digits Tencent sends. */
export const DEMO_PLACES = [
  { latitude: '31.235929', longitude: '121.501717', label: '上海市浦东新区陆家嘴环路1000号' },
  { latitude: '39.915119', longitude: '116.359752', label: '北京市西城区金融大街7号' },
  { latitude: '22.540503', longitude: '114.055039', label: '广东省深圳市福田区深南大道6008号' },
  { latitude: '22.281322', longitude: '114.158918', label: '香港中环皇后大道中2号' },
] as const;
