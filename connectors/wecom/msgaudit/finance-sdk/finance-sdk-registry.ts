/**
 * One Finance SDK handle per corp for the life of the process (wecom.md
 * §6.3: NewSdk/Init once, re-use the handle). The composition root builds
 * one registry over the loaded library; the puller asks it for its corp's
 * handle. A failed init is forgotten so the next request retries it. The
 * secret given first is the one used: a rotated msgaudit secret takes a
 * restart, which a rolling deploy gives.
 */
import { FinanceSdk, type FinanceSdkOptions } from './finance-sdk';
import type { FinanceSdkBinding } from './load-finance-sdk';

/** The process's Finance SDK handles, by corp. */
export class FinanceSdkRegistry {
  private readonly byCorp = new Map<string, Promise<FinanceSdk>>();
  /** Every handle ever created, failed inits included: closeAll waits for their native calls too. */
  private readonly created = new Set<FinanceSdk>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly binding: FinanceSdkBinding,
    private readonly options: FinanceSdkOptions = {},
  ) {}

  /** The initialised handle of `corpId`, created on first use. @throws FinanceSdkError from init, or Error after closeAll */
  forCorp(corpId: string, secret: string): Promise<FinanceSdk> {
    if (this.closing) return Promise.reject(new Error('the Finance SDK registry is closed'));
    const existing = this.byCorp.get(corpId);
    if (existing) return existing;
    const sdk = new FinanceSdk(this.binding, this.options);
    this.created.add(sdk);
    const ready = sdk.init(corpId, secret).then(() => sdk);
    this.byCorp.set(corpId, ready);
    ready.catch(() => {
      if (this.byCorp.get(corpId) === ready) this.byCorp.delete(corpId);
    });
    return ready;
  }

  /** Close every handle (each waits for its running calls, then DestroySdk once). Idempotent. */
  closeAll(): Promise<void> {
    this.closing ??= Promise.all([...this.created].map((sdk) => sdk.close())).then(() => undefined);
    return this.closing;
  }
}
