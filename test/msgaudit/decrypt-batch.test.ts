/**
 * decryptBatch against the Finance SDK stand-in with real RSA keys: one
 * outcome per record in seq order, and the event loop keeps turning while a
 * 1,000-record batch is unwrapped (RSA is synchronous; chunks yield).
 */
import { FinanceSdk } from '../../connectors/wecom/msgaudit/finance-sdk/finance-sdk';
import { loadFinanceSdk } from '../../connectors/wecom/msgaudit/finance-sdk/load-finance-sdk';
import { parseChatDataEnvelope } from '../../connectors/wecom/msgaudit/parse/envelope';
import { useFinanceStandin } from '../../connectors/wecom/msgaudit/standin/__tests__/use-finance-standin';
import { decryptBatch } from '../../gateway/msgaudit/decrypt-batch';
import { newCorpId, sealed, SECRET, testKeyring, textMessage } from './msgaudit-harness';

const standin = useFinanceStandin();
const corpId = newCorpId();
const records = Array.from({ length: 1000 }, (_, i) => sealed(i + 1, textMessage(i + 1), i % 3 === 0 ? 2 : 1));

async function batch(chunkSize: number) {
  standin.control.load({ corps: { [corpId]: { secret: SECRET, chatdata: records } } });
  const sdk = standin.track(new FinanceSdk(loadFinanceSdk(standin.libraryPath)));
  await sdk.init(corpId, SECRET);
  const { chatdata } = parseChatDataEnvelope(await sdk.getChatData(0, 1000));
  const real = testKeyring();
  // The longest run of RSA unwraps without an event-loop turn between them: counted, not timed,
  // so a loaded machine gives the same answer. A check-phase callback re-armed on every turn resets it.
  let sinceTurn = 0;
  let longestRun = 0;
  const keyring = {
    unwrapRandomKey: (...args: Parameters<typeof real.unwrapRandomKey>) => {
      longestRun = Math.max(longestRun, ++sinceTurn);
      return real.unwrapRandomKey(...args);
    },
  };
  let running = true;
  const tick = (): void => {
    if (!running) return;
    sinceTurn = 0;
    setImmediate(tick);
  };
  setImmediate(tick);
  const outcomes = await decryptBatch(chatdata, { corpId, keyring, sdk, chunkSize });
  running = false;
  return { outcomes, longestRun };
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
});
