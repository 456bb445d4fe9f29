/**
 * A Finance SDK double for tests whose subject is not the SDK (fencing,
 * batch-size reduction, malformed envelopes): GetChatData answers "after seq,
 * at most limit" from a list of records, or a scripted answer first;
 * encrypt_chat_msg is the plaintext in base64 (`fakeChatMsg`), which
 * DecryptData decodes. The keyring double hands back a fixed key.
 */
import type { FinanceSdk } from '../../connectors/wecom/msgaudit/finance-sdk/finance-sdk';
import type { MsgauditKeyring } from '../../connectors/wecom/msgaudit/keys/keyring';

/** One record of the double: `plaintext` is what DecryptData returns for it. */
export interface FakeRecord {
  seq: number;
  msgid: string;
  plaintext: string;
}

/** The double and what it was asked. */
export interface FakeFinanceSdk extends Pick<FinanceSdk, 'getChatData' | 'decryptData'> {
  calls: { seq: string; limit: number }[];
  /** Answers returned (in order) before the records are served: GetChatData JSON texts. */
  scripted: string[];
  records: FakeRecord[];
}

const KEY = 'fake-encrypt-key-0123456789abcdef';

/** A double serving `records`. */
export function fakeFinanceSdk(records: FakeRecord[] = []): FakeFinanceSdk {
  const sdk: FakeFinanceSdk = {
    calls: [],
    scripted: [],
    records,
    async getChatData(seq, limit) {
      sdk.calls.push({ seq: String(seq), limit });
      const scripted = sdk.scripted.shift();
      if (scripted !== undefined) return scripted;
      const after = sdk.records.filter((r) => BigInt(r.seq) > BigInt(seq)).slice(0, limit);
      const chatdata = after.map((r) => ({ seq: r.seq, msgid: r.msgid, publickey_ver: 1, encrypt_random_key: 'cmFuZG9ta2V5', encrypt_chat_msg: fakeChatMsg(r.plaintext) }));
      return JSON.stringify({ errcode: 0, errmsg: 'ok', chatdata });
    },
    decryptData(encryptKey, encryptMsg) {
      if (encryptKey !== KEY) throw new Error('fake DecryptData: wrong key');
      return Buffer.from(encryptMsg, 'base64').toString('utf8');
    },
  };
  return sdk;
}

/** The double's "ciphertext" of `plaintext`. */
export function fakeChatMsg(plaintext: string): string {
  return Buffer.from(plaintext, 'utf8').toString('base64');
}

/** A keyring double: every record unwraps to the key the fake SDK expects. */
export const fakeKeyring: Pick<MsgauditKeyring, 'unwrapRandomKey'> = { unwrapRandomKey: () => KEY };

/** The plaintext of a text message `msg-<seq>`. */
export function textPlaintext(seq: number): string {
  return JSON.stringify({ msgid: `msg-${seq}`, action: 'send', from: 'rm.zhang', tolist: ['wmSyntheticCustomer'], roomid: '', msgtime: 1_714_000_000_000 + seq, msgtype: 'text', text: { content: `hello ${seq}` } });
}

/** Fake records 1..n (text messages). */
export function fakeTexts(n: number): FakeRecord[] {
  return Array.from({ length: n }, (_, i) => ({ seq: i + 1, msgid: `msg-${i + 1}`, plaintext: textPlaintext(i + 1) }));
}
