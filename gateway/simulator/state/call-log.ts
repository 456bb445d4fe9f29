/**
 * Every API request the simulator saw and how it ended — including refused,
 * faulted and hung ones — so tests can count retries ("the gateway tried three
 * times, Tencent accepted once").
 */
import type { ApiProduct } from './received-log';

/** One request and its outcome. */
export interface ApiCall {
  seq: number;
  product: ApiProduct;
  method: string;
  path: string;
  /** Simulator clock when the request arrived, epoch ms. */
  at: number;
  /** HTTP status sent; absent when the simulator hung up or never answered. */
  status?: number;
  /** errcode of the JSON answer (0 for success bodies without one). */
  errcode?: number;
  /** The fault that shaped this request, if any. */
  fault?: string;
  appId?: string;
  corpId?: string;
}

/** Append-only list of API calls. */
export class CallLog {
  private readonly calls: ApiCall[] = [];

  /** Record a call; returns it so the caller can fill in the outcome. */
  start(call: Omit<ApiCall, 'seq'>): ApiCall {
    const stored = { ...call, seq: this.calls.length + 1 };
    this.calls.push(stored);
    return stored;
  }

  /** Calls matching every given field, oldest first. */
  list(filter: { product?: ApiProduct; path?: string; appId?: string; corpId?: string } = {}): ApiCall[] {
    return this.calls
      .filter(
        (c) =>
          (filter.product === undefined || c.product === filter.product) &&
          (filter.path === undefined || c.path === filter.path) &&
          (filter.appId === undefined || c.appId === filter.appId) &&
          (filter.corpId === undefined || c.corpId === filter.corpId),
      )
      .map((c) => ({ ...c }));
  }
}
