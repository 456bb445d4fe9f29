import pino from 'pino';
import type { ChatEvent } from '../../connectors/canonical/chat-event';
import { loadConfig } from '../config/load-config';
import { oaConsentCapture, type OaCaptureDeps } from './oa-capture';
import { LEDGER_PURPOSES } from './derive';
import type { PersonConsent } from './ports';

const event = (type: ChatEvent['type'], fields: ChatEvent['fields'] = {}): ChatEvent => ({
  channel: 'wechat-oa', accountId: 'oa-1', toUserName: 'gh_1', fromUserName: 'oFollower', createTime: 1_800_000_000, type, msgType: type.startsWith('event.') ? 'event' : 'text', dedupeKey: `k-${type}`, fields,
} as ChatEvent);

const consent = (state: 'missing' | 'granted'): PersonConsent => ({
  purposes: Object.fromEntries(LEDGER_PURPOSES.map((p) => [p, { state, since: state === 'granted' ? 1 : null, noticeVersion: null }])) as PersonConsent['purposes'],
  retainedForLegalObligationOnly: false,
});

// The ledger answers only when the test lets it: events arriving meanwhile see the read still in flight.
function capture(state: 'missing' | 'granted') {
  const sent: string[] = [];
  const waiting: (() => void)[] = [];
  const config = loadConfig({ env: {}, overlay: { consent: { capture: true, publicBaseUrl: 'https://wx.bank.example' } } }).consent;
  const deps = {
    config,
    ledger: { currentByIndex: () => new Promise<PersonConsent>((resolve) => waiting.push(() => resolve(consent(state)))) },
    index: (p: { id: string }) => `bidx-${p.id}`,
    sendText: async (_app: unknown, _account: string, openid: string) => void sent.push(openid),
    windowsStored: async () => undefined,
    now: () => 1_800_000_000_000,
    logger: pino({ level: 'silent' }),
  } as unknown as OaCaptureDeps;
  const release = () => waiting.splice(0).forEach((f) => f());
  return { capture: oaConsentCapture(deps), sent, release, waiting };
}

describe('OA consent capture', () => {
  it('sends one notice for a follow and a first message that arrive while the consent read is in flight', async () => {
    const c = capture('missing');
    c.capture.afterInbound(event('event.subscribe'));
    c.capture.afterInbound(event('message.text', { content: '你好' }));
    await new Promise((r) => setImmediate(r));
    c.release();
    await c.capture.settled();
    expect(c.sent).toEqual(['oFollower']);
    expect(c.waiting).toHaveLength(0);
  });

  it('asks nothing of a person whose consent is on record, and reads again on their next event', async () => {
    const c = capture('granted');
    c.capture.afterInbound(event('message.text', { content: '你好' }));
    await new Promise((r) => setImmediate(r));
    c.release();
    await c.capture.settled();
    c.capture.afterInbound(event('message.text', { content: '再问一下' }));
    await new Promise((r) => setImmediate(r));
    expect(c.waiting).toHaveLength(1); // not remembered as noticed: consent may have gone stale since
    c.release();
    await c.capture.settled();
    expect(c.sent).toEqual([]);
  });
});
