/**
 * Wraps a plaintext WeCom callback the way WeCom does (callback-crypto.md
 * §1, §2.2, §6.1): always encrypted, receive id = CorpID, query
 * `msg_signature`, `timestamp`, `nonce` only, body
 *
 *   <xml><ToUserName><![CDATA[wwCORPID]]></ToUserName><Encrypt><![CDATA[BASE64]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>
 *
 * (element order and the CDATA AgentID as in Tencent's sample; AgentID is
 * empty for corp-level callbacks). Pure: timestamp, nonce and the random
 * prefix come from the caller.
 */
import { aesKeyFromEncodingAESKey, encryptMessage, msgSignature } from '../../connectors/wechat/callback/crypto';
import type { WirePush } from './envelope';
import type { SimulatedCorp } from './state/wecom-corps';

export interface WecomEnvelopeParams {
  timestamp: string;
  nonce: string;
  /** The envelope's AgentID text; '' for corp-level callbacks. */
  agentId: string;
  /** The 16 random bytes in front of the plaintext; fixed only by deterministic tests. */
  random?: Buffer;
}

/** Build the query string and body for `xml` pushed to `corp`. */
export function wrapWecomPush(corp: Pick<SimulatedCorp, 'corpId' | 'token' | 'encodingAESKey'>, xml: string, params: WecomEnvelopeParams): WirePush {
  const encrypt = encryptMessage(aesKeyFromEncodingAESKey(corp.encodingAESKey), xml, corp.corpId, params.random);
  const query = new URLSearchParams({
    msg_signature: msgSignature(corp.token, params.timestamp, params.nonce, encrypt),
    timestamp: params.timestamp,
    nonce: params.nonce,
  });
  const body = `<xml><ToUserName><![CDATA[${corp.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[${params.agentId}]]></AgentID></xml>`;
  return { query: query.toString(), body };
}

/** The URL-verification GET query: echostr is the encrypted plaintext (URL-encoded by URLSearchParams). */
export function wecomUrlVerificationQuery(
  corp: Pick<SimulatedCorp, 'corpId' | 'token' | 'encodingAESKey'>,
  params: { timestamp: string; nonce: string; plaintext: string; random?: Buffer },
): string {
  const echostr = encryptMessage(aesKeyFromEncodingAESKey(corp.encodingAESKey), params.plaintext, corp.corpId, params.random);
  return new URLSearchParams({
    msg_signature: msgSignature(corp.token, params.timestamp, params.nonce, echostr),
    timestamp: params.timestamp,
    nonce: params.nonce,
    echostr,
  }).toString();
}
