/**
 * What WeCom's 客户联系 remembers for customer hand-over (wecom.md §4.1–§4.7,
 * limits-and-errors.md §1–§2): which members follow which customer, which
 * members have left (离职) and when, the customer groups and their owners,
 * and every customer transfer with its status (transfer_result's 1 done,
 * 2 waiting, 3 refused, 4 takeover member at limit).
 *
 * Userids compare case-insensitively (WeCom lower-cases them in answers of
 * message/send; the address book is case-insensitive); they are stored as
 * the corp lists them. Times are epoch ms; the APIs answer seconds.
 */

/** In-service (在职继承) or departed member's (离职继承) transfer. */
export type TransferKind = 'in-service' | 'resigned';

/** transfer_result's status codes (wecom.md §4.6). */
export const TRANSFER_STATUS = { done: 1, waiting: 2, refused: 3, limitExceeded: 4, noRecord: 5 } as const;
export type TransferStatus = (typeof TRANSFER_STATUS)[keyof typeof TRANSFER_STATUS];

/** One customer's transfer as WeCom keeps it. */
export interface CustomerTransfer {
  /** Order of creation, from 1 (transfer_result pages by it). */
  seq: number;
  corpId: string;
  kind: TransferKind;
  handoverUserid: string;
  takeoverUserid: string;
  externalUserId: string;
  /** When WeCom accepted it (per-customer errcode 0). */
  startedAt: number;
  /** When the takeover happens unless the customer refuses. */
  dueAt: number;
  status: TransferStatus;
  /** When it reached its final status (done, refused, limit exceeded). */
  settledAt?: number;
  /** transfer_success_msg as given (in-service only). */
  successMsg?: string;
}

/** A customer group (客户群, wecom.md §4.7). */
export interface CustomerGroup {
  chatId: string;
  name: string;
  /** A member's userid. */
  owner: string;
  notice: string;
  /** Epoch ms. */
  createdAt: number;
  /** Userids and external_userids, with join times (epoch ms). */
  members: { id: string; joinedAt: number }[];
  /** groupchat/list status: 0 normal, 1 owner left (awaiting inheritance), 2 inheriting, 3 inherited [S: 2 never occurs here]. */
  status: 0 | 1 | 2 | 3;
  /** In-service owner changes (onjob_transfer), epoch ms. */
  onjobTransfers: number[];
}

const key = (userid: string): string => userid.toLowerCase();

/** Follows, departures, groups and transfers of every simulated corp. */
export class CustomerContacts {
  /** corp → customer → member userids following it. */
  private readonly follows = new Map<string, Map<string, string[]>>();
  /** corp → lower-cased userid → { userid, departedAt }. */
  private readonly departed = new Map<string, Map<string, { userid: string; departedAt: number }>>();
  private readonly groups = new Map<string, Map<string, CustomerGroup>>();
  private readonly transfers: CustomerTransfer[] = [];

  /** Member `userid` follows customer `externalUserId` (idempotent). */
  follow(corpId: string, userid: string, externalUserId: string): void {
    const byCustomer = this.follows.get(corpId) ?? new Map<string, string[]>();
    this.follows.set(corpId, byCustomer);
    const users = byCustomer.get(externalUserId) ?? [];
    if (!users.some((u) => key(u) === key(userid))) users.push(userid);
    byCustomer.set(externalUserId, users);
  }

  /** Member `userid` no longer follows the customer. */
  unfollow(corpId: string, userid: string, externalUserId: string): void {
    const users = this.follows.get(corpId)?.get(externalUserId);
    if (!users) return;
    const left = users.filter((u) => key(u) !== key(userid));
    if (left.length === 0) this.follows.get(corpId)!.delete(externalUserId);
    else this.follows.get(corpId)!.set(externalUserId, left);
  }

  /** Members following the customer, in the order they added it. */
  followers(corpId: string, externalUserId: string): string[] {
    return [...(this.follows.get(corpId)?.get(externalUserId) ?? [])];
  }

  /** Does `userid` follow the customer? */
  isFollowing(corpId: string, userid: string, externalUserId: string): boolean {
    return this.followers(corpId, externalUserId).some((u) => key(u) === key(userid));
  }

  /** The customers `userid` follows, in the order they were first followed by anyone. */
  customersOf(corpId: string, userid: string): string[] {
    return [...(this.follows.get(corpId) ?? new Map<string, string[]>())].filter(([, users]) => users.some((u) => key(u) === key(userid))).map(([customer]) => customer);
  }

  /** The member left the corp at `at`. */
  depart(corpId: string, userid: string, at: number): void {
    const map = this.departed.get(corpId) ?? new Map<string, { userid: string; departedAt: number }>();
    this.departed.set(corpId, map);
    if (!map.has(key(userid))) map.set(key(userid), { userid, departedAt: at });
  }

  /** When the member left, or undefined while in service. */
  departedAt(corpId: string, userid: string): number | undefined {
    return this.departed.get(corpId)?.get(key(userid))?.departedAt;
  }

  /** Departed members, earliest departure first. */
  departedMembers(corpId: string): { userid: string; departedAt: number }[] {
    return [...(this.departed.get(corpId)?.values() ?? [])].sort((a, b) => a.departedAt - b.departedAt || (a.userid < b.userid ? -1 : 1));
  }

  /** Add or replace a customer group. */
  putGroup(corpId: string, group: CustomerGroup): void {
    const map = this.groups.get(corpId) ?? new Map<string, CustomerGroup>();
    this.groups.set(corpId, map);
    map.set(group.chatId, group);
  }

  /** The live group object (callers may change its owner and status). */
  group(corpId: string, chatId: string): CustomerGroup | undefined {
    return this.groups.get(corpId)?.get(chatId);
  }

  /** Every group of the corp, in creation order. */
  groupsOf(corpId: string): CustomerGroup[] {
    return [...(this.groups.get(corpId)?.values() ?? [])];
  }

  /** Record an accepted transfer. */
  addTransfer(transfer: Omit<CustomerTransfer, 'seq'>): CustomerTransfer {
    const stored = { ...transfer, seq: this.transfers.length + 1 };
    this.transfers.push(stored);
    return stored;
  }

  /** Every transfer (live objects, oldest first). */
  allTransfers(corpId?: string): CustomerTransfer[] {
    return this.transfers.filter((t) => corpId === undefined || t.corpId === corpId);
  }

  /** The customer's transfer still waiting for its takeover, if any. */
  waitingTransfer(corpId: string, externalUserId: string): CustomerTransfer | undefined {
    return this.transfers.find((t) => t.corpId === corpId && t.externalUserId === externalUserId && t.status === TRANSFER_STATUS.waiting);
  }
}
