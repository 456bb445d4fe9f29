/**
 * Wraps a plaintext push for the account's mode, as Tencent does
 * (callback-crypto.md §1, §6.1):
 *   plain      – body as is; query signature, timestamp, nonce, openid
 *   compatible – plaintext fields plus <Encrypt>; query adds encrypt_type=aes, msg_signature
 *   safe       – <xml><ToUserName/><Encrypt/></xml>; same query as compatible
 * Pure: timestamp, nonce and the AES random prefix come from the caller.
 */
import { aesKeyFromEncodingAESKey, encryptMessage, msgSignature, plainSignature } from '../../connectors/wechat/callback/crypto';
import type { SimulatedAccount } from './accounts';

/** What goes on the wire for one push; every retry resends exactly this. */
export interface WirePush {
  /** Query string without the leading `?`. */
  query: string;
  body: string;
}

export interface EnvelopeParams {
  timestamp: string;
  nonce: string;
  /** The sender's openid, added as a query parameter as Tencent does on OA pushes. */
  openid?: string;
  /** The 16 random bytes in front of the plaintext; fixed only by deterministic tests. */
  random?: Buffer;
}

/** Build the query string and body for `xml` in `account.mode`. */
export function wrapPush(account: SimulatedAccount, xml: string, params: EnvelopeParams): WirePush {
  const query = new URLSearchParams({
    signature: plainSignature(account.token, params.timestamp, params.nonce),
    timestamp: params.timestamp,
    nonce: params.nonce,
  });
  if (params.openid !== undefined) query.set('openid', params.openid);
  if (account.mode === 'plain') return { query: query.toString(), body: xml };

  const encrypt = encryptMessage(aesKeyFromEncodingAESKey(account.encodingAESKey), xml, account.appId, params.random);
  query.set('encrypt_type', 'aes');
  query.set('msg_signature', msgSignature(account.token, params.timestamp, params.nonce, encrypt));
  const encryptElement = `<Encrypt><![CDATA[${encrypt}]]></Encrypt>`;
  if (account.mode === 'compatible') {
    const close = xml.lastIndexOf('</xml>');
    if (close < 0) throw new Error('push XML has no closing </xml>');
    return { query: query.toString(), body: `${xml.slice(0, close)}${encryptElement}\n</xml>` };
  }
  return {
    query: query.toString(),
    body: `<xml><ToUserName><![CDATA[${account.originalId}]]></ToUserName>${encryptElement}</xml>`,
  };
}

/** The URL-verification GET query (callback-crypto.md §2.1): echostr travels in clear for OA. */
export function urlVerificationQuery(account: SimulatedAccount, params: { timestamp: string; nonce: string; echostr: string }): string {
  return new URLSearchParams({
    signature: plainSignature(account.token, params.timestamp, params.nonce),
    timestamp: params.timestamp,
    nonce: params.nonce,
    echostr: params.echostr,
  }).toString();
}
