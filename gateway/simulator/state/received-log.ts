/**
 * What Tencent accepted, in order: the record acceptance tests read to prove
 * a message reached Tencent exactly once. An entry is written when Tencent
 * takes the message (before the response goes out), so an "accept then fail"
 * fault still leaves its entry — exactly how a duplicate arises in real life.
 */

export type ApiProduct = 'oa' | 'wecom';

/** One message Tencent accepted. */
export interface ReceivedMessage {
  /** 1-based position across both products. */
  seq: number;
  product: ApiProduct;
  /** OA: the account whose access_token was presented. */
  appId?: string;
  /** WeCom: the corp whose token was presented. */
  corpId?: string;
  /** WeCom: the app whose secret issued the token; absent for the contact (客户联系) secret. */
  agentId?: number;
  path: string;
  /** The JSON body as received. */
  body: Record<string, unknown>;
  /** Simulator clock, epoch ms. */
  at: number;
  /** The id Tencent answered with, as a string (template msgid, mass msg_id, WeCom msgid); absent for custom/send. */
  msgid?: string;
  /** Who it reaches: openids, userids or external_userids (WeCom userids lower-cased). */
  recipients: string[];
}

/** A WeCom app message Tencent accepted for a member but silently did not deliver (30/min, 1000/h per app and member). */
export interface DroppedDelivery {
  corpId: string;
  agentId: number;
  userid: string;
  msgid: string;
  at: number;
  reason: 'member-minute-limit' | 'member-hour-limit';
}

export interface ReceivedFilter {
  product?: ApiProduct;
  appId?: string;
  corpId?: string;
  path?: string;
}

/** The simulator's memory of accepted messages and of silently dropped WeCom deliveries. */
export class ReceivedLog {
  private readonly entries: ReceivedMessage[] = [];
  private readonly drops: DroppedDelivery[] = [];

  /** Append an accepted message; returns it with its sequence number. */
  record(entry: Omit<ReceivedMessage, 'seq'>): ReceivedMessage {
    const stored = { ...entry, seq: this.entries.length + 1 };
    this.entries.push(stored);
    return stored;
  }

  /** Accepted messages matching every given field, oldest first (copies: tests cannot edit the log). */
  list(filter: ReceivedFilter = {}): ReceivedMessage[] {
    return this.entries
      .filter(
        (e) =>
          (filter.product === undefined || e.product === filter.product) &&
          (filter.appId === undefined || e.appId === filter.appId) &&
          (filter.corpId === undefined || e.corpId === filter.corpId) &&
          (filter.path === undefined || e.path === filter.path),
      )
      .map((e) => structuredClone(e));
  }

  recordDrop(drop: DroppedDelivery): void {
    this.drops.push(drop);
  }

  /** Dropped deliveries, oldest first. */
  dropped(filter: { corpId?: string; agentId?: number; userid?: string } = {}): DroppedDelivery[] {
    return this.drops
      .filter(
        (d) =>
          (filter.corpId === undefined || d.corpId === filter.corpId) &&
          (filter.agentId === undefined || d.agentId === filter.agentId) &&
          (filter.userid === undefined || d.userid === filter.userid.toLowerCase()),
      )
      .map((d) => ({ ...d }));
  }
}
