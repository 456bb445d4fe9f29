/**
 * decryptBatch against the Finance SDK stand-in with real RSA keys: one
 * outcome per record in seq order, and the event loop keeps turning while a
 * 1,000-record batch is unwrapped and decrypted (RSA and DecryptData are
 * synchronous; chunks yield).
 */
import { FinanceSdk } from '../../connectors/wecom/msgaudit/finance-sdk/finance-sdk';
import { loadFinanceSdk } from '../../connectors/wecom/msgaudit/finance-sdk/load-finance-sdk';
import { parseChatDataEnvelope } from '../../connectors/wecom/msgaudit/parse/envelope';
import { useFinanceStandin } from '../../connectors/wecom/msgaudit/standin/__tests__/use-finance-standin';
import { decryptBatch } from '../../gateway/msgaudit/decrypt-batch';
import type { UnwrapRequest } from '../../gateway/msgaudit/unwrap-pool';
import { newCorpId, sealed, SECRET, testKeyring, textMessage } from './msgaudit-harness';

const standin = useFinanceStandin();
const corpId = newCorpId();
const records = Array.from({ length: 1000 }, (_, i) => sealed(i + 1, textMessage(i + 1), i % 3 === 0 ? 2 : 1));

/**
 * One batch of 1,000 records through decryptBatch, with the longest runs of RSA unwraps and of DecryptData
 * calls without an event-loop turn between them: counted, not timed, so a loaded machine gives the same
 * answer. A check-phase callback re-armed on every turn resets the counts. `pooled`: the keys come from a
 * pool double that has every chunk unwrapped before it is asked (workers far ahead of the event loop).
 */
async function batch(chunkSize: number, pooled = false) {
  standin.control.load({ corps: { [corpId]: { secret: SECRET, chatdata: records } } });
  const sdk = standin.track(new FinanceSdk(loadFinanceSdk(standin.libraryPath)));
  await sdk.init(corpId, SECRET);
  const { chatdata } = parseChatDataEnvelope(await sdk.getChatData(0, 1000));
  const real = testKeyring();
  const since = { unwraps: 0, decrypts: 0 };
  const longest = { unwraps: 0, decrypts: 0 };
  const count = (kind: keyof typeof since): void => {
    longest[kind] = Math.max(longest[kind], ++since[kind]);
  };
  const keyring = {
    unwrapRandomKey: (...args: Parameters<typeof real.unwrapRandomKey>) => {
      count('unwraps');
      return real.unwrapRandomKey(...args);
    },
  };
  const countingSdk = {
    decryptData: (...args: Parameters<typeof sdk.decryptData>) => {
      count('decrypts');
      return sdk.decryptData(...args);
    },
  };
  const answers = new Map(chatdata.map((item) => [item.kind === 'record' ? item.encrypt_random_key : '', item.kind === 'record' ? real.unwrapRandomKey(item.publickey_ver, item.encrypt_random_key) : '']));
  const unwrapPool = { unwrap: async (_corp: string, requests: readonly UnwrapRequest[]) => requests.map((r) => ({ encryptKey: answers.get(r.encryptRandomKey)! })) };
  let running = true;
  const tick = (): void => {
    if (!running) return;
    since.unwraps = 0;
    since.decrypts = 0;
    setImmediate(tick);
  };
  setImmediate(tick);
  const outcomes = await decryptBatch(chatdata, { corpId, keyring, sdk: countingSdk, chunkSize, ...(pooled ? { unwrapPool } : {}) });
  running = false;
  return { outcomes, longestRun: longest.unwraps, longestDecryptRun: longest.decrypts };
}

describe('decryptBatch', () => {
  it('decrypts and parses a batch of 1,000 records into one event per record, in seq order', async () => {
    const { outcomes } = await batch(50);
    expect(outcomes.map((o) => o.kind === 'event' && o.event.msgid)).toEqual(records.map((r) => r.msgid));
    expect(outcomes.map((o) => o.seq)).toEqual(records.map((r) => String(r.seq)));
  });

  it('keeps the event loop turning while a 1,000-record batch is unwrapped: chunks yield, one long run would not', async () => {
    const chunked = await batch(50);
    const whole = await batch(1000);
    // Chunks of 50: never more than 50 unwraps (~250 µs each) before the loop turns; one chunk of 1,000 runs them all in one go.
    expect(chunked.longestRun).toBeLessThanOrEqual(50);
    expect(whole.longestRun).toBe(1000);
  });

  it('keeps the event loop turning while the records of a batch are decrypted, also when the unwrap pool is far ahead', async () => {
    for (const pooled of [false, true]) {
      const { outcomes, longestDecryptRun } = await batch(50, pooled);
      expect(outcomes.map((o) => o.kind === 'event' && o.event.msgid)).toEqual(records.map((r) => r.msgid));
      // DecryptData runs on this thread: at most one chunk of calls (sooner cut by DECRYPT_TURN_MS) between two turns.
      expect(longestDecryptRun).toBeGreaterThan(0);
      expect(longestDecryptRun).toBeLessThanOrEqual(50);
    }
  });
});
