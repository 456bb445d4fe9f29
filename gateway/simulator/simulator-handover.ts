/**
 * Customer hand-over in the simulator (wecom.md §4.6, §5.1): the setters
 * tests drive (who follows whom, who left, customer groups, a customer who
 * refuses) and what WeCom does when a transfer's 24 hours are up on the
 * simulator clock — the takeover member gets the customer and the handover
 * member loses it (a `del_external_contact` callback with Source
 * `DELETE_BY_TRANSFER` for an in-service transfer), or, when the takeover
 * member is at their customer limit, status 4 and a `transfer_fail` callback
 * (`customer_limit_exceed`). A refusal is status 3 with `transfer_fail`
 * (`customer_refused`) at once. Takeovers are applied lazily: by every
 * transfer API before it answers, and by `settleTransfers`.
 */
import type { Clock } from './clock';
import { randomBase64Url, type Rng } from './random';
import { isMember } from './api/msgaudit-endpoint';
import type { WecomLimits } from './api/wecom-limits';
import { TRANSFER_STATUS, type CustomerContacts, type CustomerGroup, type CustomerTransfer } from './state/customer-contacts';
import { EXTERNAL_USERID_PATTERN, type SimulatedCorp } from './state/wecom-corps';
import { changeExternalContactEvent } from './wecom-events';

/** A customer group for `defineCustomerGroup`. */
export interface CustomerGroupDefinition {
  /** Generated (`wr` + 30 base64url) when absent. */
  chatId?: string;
  name?: string;
  /** A member's userid; joins first when not listed. */
  owner: string;
  notice?: string;
  /** Epoch ms; default now. */
  createdAt?: number;
  /** Userids and the corp's customers. */
  members?: readonly string[];
}

/** A group as tests see it. */
export type CustomerGroupView = Readonly<Omit<CustomerGroup, 'members' | 'onjobTransfers'>> & { members: string[] };

/** The methods tests call. */
export interface HandoverMethods {
  /** Member `userid` follows a customer (a new one, generated, when `externalUserId` is absent); returns the customer's id. @throws Error for a non-member or a malformed id. */
  followCustomer(corpId: string, userid: string, externalUserId?: string): string;
  /** Members following the customer. */
  followUsers(corpId: string, externalUserId: string): string[];
  /** Customers `userid` follows. */
  customersOf(corpId: string, userid: string): string[];
  /** The member leaves the corp (离职) at `atMs` (default now): their customers and groups wait for a resigned transfer. @throws Error for a non-member */
  departMember(corpId: string, userid: string, atMs?: number): void;
  /** Add a customer group; returns its chat_id. @throws Error for an owner who is no member, or strangers among the members */
  defineCustomerGroup(corpId: string, group: CustomerGroupDefinition): string;
  /** A customer group, or undefined. */
  customerGroup(corpId: string, chatId: string): CustomerGroupView | undefined;
  /** The customer refuses the hand-over waiting for them: status 3 and a `transfer_fail` callback (customer_refused). @throws Error when no transfer of theirs is waiting */
  refuseTransfer(corpId: string, externalUserId: string): CustomerTransfer;
  /** Apply the takeovers that are due on the simulator clock; returns those that settled now. */
  settleTransfers(corpId?: string): CustomerTransfer[];
  /** Every customer transfer WeCom accepted, oldest first. */
  customerTransfers(corpId?: string): CustomerTransfer[];
}

export interface HandoverSideBase {
  clock: Clock;
  rng: Rng;
  contacts: CustomerContacts;
  limits: WecomLimits;
  corp(corpId: string): SimulatedCorp;
  isCustomer(corpId: string, externalUserId: string): boolean;
  addCustomer(corpId: string, externalUserId: string): void;
  newExternalUserId(): string;
  /** Deliver a WeCom callback in the background (skipped when the corp has no callback URL). */
  pushLater(corpId: string, xml: string): void;
}

/** Build the methods over the shared state. */
export function createHandoverMethods(base: HandoverSideBase): HandoverMethods {
  const { clock, contacts } = base;
  const seconds = (ms: number): number => Math.floor(ms / 1000);
  const copy = (t: CustomerTransfer): CustomerTransfer => ({ ...t });
  const member = (corp: SimulatedCorp, userid: string): string => {
    const found = corp.members.find((m) => m.toLowerCase() === userid.toLowerCase());
    if (found === undefined) throw new Error(`${userid} is not a member of ${corp.corpId}`);
    return found;
  };

  const transferFail = (t: CustomerTransfer, failReason: 'customer_refused' | 'customer_limit_exceed', at: number): void => {
    // UserID is the member who was to take the customer over.
    base.pushLater(t.corpId, changeExternalContactEvent({ corpId: t.corpId, changeType: 'transfer_fail', userid: t.takeoverUserid, externalUserId: t.externalUserId, failReason, createTime: seconds(at) }));
  };

  const settle = (corpId?: string): CustomerTransfer[] => {
    const now = clock.now();
    const due = contacts.allTransfers(corpId).filter((t) => t.status === TRANSFER_STATUS.waiting && t.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
    for (const t of due) {
      if (contacts.customersOf(t.corpId, t.takeoverUserid).length >= base.limits.memberCustomerMax) {
        t.status = TRANSFER_STATUS.limitExceeded;
        t.settledAt = t.dueAt;
        transferFail(t, 'customer_limit_exceed', t.dueAt);
        continue;
      }
      contacts.unfollow(t.corpId, t.handoverUserid, t.externalUserId);
      contacts.follow(t.corpId, t.takeoverUserid, t.externalUserId);
      t.status = TRANSFER_STATUS.done;
      t.settledAt = t.dueAt;
      if (t.kind === 'in-service') {
        base.pushLater(t.corpId, changeExternalContactEvent({ corpId: t.corpId, changeType: 'del_external_contact', userid: t.handoverUserid, externalUserId: t.externalUserId, source: 'DELETE_BY_TRANSFER', createTime: seconds(t.dueAt) }));
      }
    }
    return due.map(copy);
  };

  return {
    followCustomer(corpId, userid, externalUserId) {
      const corp = base.corp(corpId);
      const who = member(corp, userid);
      const id = externalUserId ?? base.newExternalUserId();
      if (!EXTERNAL_USERID_PATTERN.test(id)) throw new Error('externalUserId must be wm/wo + 30 base64url');
      if (!base.isCustomer(corpId, id)) base.addCustomer(corpId, id);
      contacts.follow(corp.corpId, who, id);
      return id;
    },
    followUsers: (corpId, externalUserId) => contacts.followers(base.corp(corpId).corpId, externalUserId),
    customersOf: (corpId, userid) => contacts.customersOf(base.corp(corpId).corpId, userid),
    departMember(corpId, userid, atMs = clock.now()) {
      const corp = base.corp(corpId);
      const who = member(corp, userid);
      contacts.depart(corp.corpId, who, atMs);
      for (const group of contacts.groupsOf(corp.corpId)) if (group.owner.toLowerCase() === who.toLowerCase()) group.status = 1;
    },
    defineCustomerGroup(corpId, definition) {
      const corp = base.corp(corpId);
      const owner = member(corp, definition.owner);
      const chatId = definition.chatId ?? `wr${randomBase64Url(base.rng, 30)}`;
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(chatId)) throw new Error('chatId must be 1-64 [A-Za-z0-9_-]');
      const createdAt = definition.createdAt ?? clock.now();
      const ids = [owner, ...(definition.members ?? []).filter((m) => m.toLowerCase() !== owner.toLowerCase())];
      const strangers = ids.filter((id) => !isMember(corp, id) && !base.isCustomer(corpId, id));
      if (strangers.length > 0) throw new Error(`group members must be members or customers of ${corpId} (not: ${strangers.join(', ')})`);
      contacts.putGroup(corp.corpId, {
        chatId, name: definition.name ?? '', owner, notice: definition.notice ?? '', createdAt,
        members: ids.map((id) => ({ id, joinedAt: createdAt })),
        status: contacts.departedAt(corp.corpId, owner) === undefined ? 0 : 1,
        onjobTransfers: [],
      });
      return chatId;
    },
    customerGroup(corpId, chatId) {
      const group = contacts.group(base.corp(corpId).corpId, chatId);
      if (!group) return undefined;
      const { members, onjobTransfers: _transfers, ...rest } = group;
      return { ...rest, members: members.map((m) => m.id) };
    },
    refuseTransfer(corpId, externalUserId) {
      const corp = base.corp(corpId);
      settle(corp.corpId);
      const waiting = contacts.waitingTransfer(corp.corpId, externalUserId);
      if (!waiting) throw new Error(`no transfer of ${externalUserId} is waiting in ${corpId}`);
      const now = clock.now();
      waiting.status = TRANSFER_STATUS.refused;
      waiting.settledAt = now;
      transferFail(waiting, 'customer_refused', now);
      return copy(waiting);
    },
    settleTransfers: (corpId) => settle(corpId === undefined ? undefined : base.corp(corpId).corpId),
    customerTransfers: (corpId) => contacts.allTransfers(corpId === undefined ? undefined : base.corp(corpId).corpId).map(copy),
  };
}
