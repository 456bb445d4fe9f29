/**
 * A FinanceSdk over the stand-in, initialised for the test corp and closed
 * (then leak-checked) after the test by useFinanceStandin.
 */
import type { FinanceStandin } from '../../standin/__tests__/use-finance-standin';
import { FinanceSdk, type FinanceSdkOptions } from '../finance-sdk';
import { loadFinanceSdk } from '../load-finance-sdk';

/** The corp of the stand-in fixtures. */
export const CORP_ID = 'wwstandin00000001';
/** Planted: tests grep errors for it. */
export const SECRET = 'msgaudit-secret-PLANTED-7f3a9c';

/** A tracked FinanceSdk over the stand-in, not yet initialised. */
export function newSdk(standin: FinanceStandin, options?: FinanceSdkOptions): FinanceSdk {
  return standin.track(new FinanceSdk(loadFinanceSdk(standin.libraryPath), options));
}

/** A tracked FinanceSdk over the stand-in, initialised for CORP_ID. */
export async function readySdk(standin: FinanceStandin, options?: FinanceSdkOptions): Promise<FinanceSdk> {
  const sdk = newSdk(standin, options);
  await sdk.init(CORP_ID, SECRET);
  return sdk;
}
