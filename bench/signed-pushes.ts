/** Pre-built, distinct safe-mode pushes (as Tencent sends them), so the load generator spends no CPU on crypto during a run. */
import { randomBytes, randomInt } from 'node:crypto';
import { aesKeyFromEncodingAESKey, encryptMessage, msgSignature, plainSignature } from '../connectors/wechat/callback/crypto';
import type { SimulatedAccount } from '../gateway/simulator/accounts';
import { textMessage } from '../gateway/simulator/pushes';

export interface SignedPush {
  path: string;
  body: string;
}

/** `count` pushes from `followers` distinct openids, each with its own MsgId and nonce. */
export function buildSignedPushes(account: SimulatedAccount, callbackPath: string, count: number): SignedPush[] {
  const aesKey = aesKeyFromEncodingAESKey(account.encodingAESKey);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const base = 6_000_000_000_000_000_000n + BigInt(randomInt(1, 1_000_000_000)) * 1_000_000n;
  const out: SignedPush[] = [];
  for (let i = 0; i < count; i++) {
    const openid = `oBench${String(i % 5000).padStart(22, '0')}`;
    const xml = textMessage({ toUserName: account.originalId, fromUserName: openid, createTime: Number(timestamp), msgId: String(base + BigInt(i)), content: `您好，我想咨询一下理财产品 ${i}` });
    const encrypt = encryptMessage(aesKey, xml, account.appId, randomBytes(16));
    const nonce = String(100000000 + i);
    const query = new URLSearchParams({
      signature: plainSignature(account.token, timestamp, nonce),
      timestamp,
      nonce,
      openid,
      encrypt_type: 'aes',
      msg_signature: msgSignature(account.token, timestamp, nonce, encrypt),
    });
    out.push({ path: `${callbackPath}?${query.toString()}`, body: `<xml><ToUserName><![CDATA[${account.originalId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` });
  }
  return out;
}
