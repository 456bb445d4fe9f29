/**
 * The chat archive's consent side in the simulator: the setters tests drive
 * (consents, rooms, permit list) and what a consent change does on WeCom —
 * an `agree` / `disagree` system message in the archive stream (wecom.md
 * §6.5) and, for a customer who agrees in a one-to-one chat, the
 * `msg_audit_approved` callback with a fresh WelcomeCode (§5.1).
 */
import type { Clock } from './clock';
import { randomBase64Url, type Rng } from './random';
import { isMember } from './api/msgaudit-endpoint';
import type { ArchiveStream, ArchivedChat } from './state/archive-stream';
import { AGREE_STATUSES, type AgreeRecord, type AgreeStatus, type MsgauditState, type PermitEdition, type RoomMember } from './state/msgaudit';
import type { WelcomeCodes } from './state/welcome-codes';
import { EXTERNAL_USERID_PATTERN, type SimulatedCorp } from './state/wecom-corps';
import { msgAuditApprovedEvent } from './wecom-events';

/** A group chat for `defineRoom`; internal when every member is a member of the corp. */
export interface RoomDefinition {
  /** Generated (`wr` + 30 base64url) when absent. */
  roomid?: string;
  name?: string;
  /** A member's userid; joins first when not listed. */
  creator: string;
  notice?: string;
  /** Epoch ms; default now. */
  createdAt?: number;
  /** Userids and external_userids (the corp's customers), with join times (epoch ms, default createdAt). */
  members: readonly (string | { id: string; joinedAt?: number })[];
}

/** What a consent change did. */
export interface AgreeStatusChange {
  /** False when the status was already this one (nothing else happens then). */
  changed: boolean;
  previous: AgreeRecord;
  /** The agree / disagree system message appended to the archive stream. */
  archived?: ArchivedChat;
  /** The msg_audit_approved event's plaintext (one-to-one Agree only); pushed when the corp has a callbackUrl. */
  approvedEvent?: string;
  welcomeCode?: string;
}

/** The methods tests and the gateway's harness call. */
export interface MsgauditMethods {
  /** A customer's archiving consent in one-to-one chats with `userid` changes at `atMs` (default now). @throws Error for a non-member, a non-customer or an unknown status. */
  setAgreeStatus(corpId: string, userid: string, externalUserId: string, status: AgreeStatus, atMs?: number): AgreeStatusChange;
  /** A customer's consent in a group chat. @throws Error for an unknown room or a customer not in it. */
  setRoomAgreeStatus(corpId: string, roomid: string, externalUserId: string, status: AgreeStatus, atMs?: number): AgreeStatusChange;
  /** Add (or replace) a group chat the archive knows; returns its roomid. @throws Error for strangers among the members. */
  defineRoom(corpId: string, room: RoomDefinition): string;
  /** Replace the permit list: userids (edition 1) or userid → edition. Until set, every member is covered at edition 1. */
  setPermitUsers(corpId: string, permits: readonly string[] | Readonly<Record<string, PermitEdition>>): void;
  /** The corp's archive stream after `afterSeq` (exclusive), as decrypted message JSON. */
  archiveMessages(corpId: string, afterSeq?: number): ArchivedChat[];
  /** Append any message to the corp's archive stream (msgid generated when absent). */
  appendArchiveMessage(corpId: string, message: Record<string, unknown>): ArchivedChat;
}

export interface MsgauditSideBase {
  clock: Clock;
  rng: Rng;
  state: MsgauditState;
  archive: ArchiveStream;
  welcomeCodes: WelcomeCodes;
  corp(corpId: string): SimulatedCorp;
  isCustomer(corpId: string, externalUserId: string): boolean;
  /** Deliver a WeCom callback in the background (skipped when the corp has no callback URL). */
  pushLater(corpId: string, xml: string): void;
}

/** Build the methods over the shared state. */
export function createMsgauditMethods(base: MsgauditSideBase): MsgauditMethods {
  const { clock, state, archive } = base;
  const checkStatus = (status: AgreeStatus): void => {
    if (!AGREE_STATUSES.includes(status)) throw new Error(`agree status must be one of ${AGREE_STATUSES.join(', ')}`);
  };
  const consentMessage = (corpId: string, from: string, tolist: string[], roomid: string, status: AgreeStatus, at: number): ArchivedChat | undefined => {
    if (status === 'Default_Agree') return undefined;
    const type = status === 'Agree' ? 'agree' : 'disagree';
    return archive.append(corpId, {
      msgid: archive.newMsgid(at),
      action: 'send',
      from,
      tolist,
      roomid,
      msgtime: at,
      msgtype: type,
      [type]: { userid: from, [`${type}_time`]: at },
    });
  };

  return {
    setAgreeStatus(corpId, userid, externalUserId, status, atMs = clock.now()) {
      const corp = base.corp(corpId);
      checkStatus(status);
      const member = corp.members.find((m) => m.toLowerCase() === userid.toLowerCase());
      if (member === undefined) throw new Error(`${userid} is not a member of ${corpId}`);
      if (!base.isCustomer(corpId, externalUserId)) throw new Error(`${externalUserId} is not a customer of ${corpId}`);
      const current = state.singleAgree(corpId, member, externalUserId);
      if (current.status === status && current.changedAt !== 0) return { changed: false, previous: current };
      const previous = state.setSingleAgree(corpId, member, externalUserId, { status, changedAt: atMs });
      const archived = consentMessage(corpId, externalUserId, [member], '', status, atMs);
      if (status !== 'Agree') return { changed: true, previous, ...(archived ? { archived } : {}) };
      const welcomeCode = base.welcomeCodes.issue(corpId, member, externalUserId);
      const approvedEvent = msgAuditApprovedEvent({ corpId, userid: member, externalUserId, welcomeCode, createTime: Math.floor(atMs / 1000) });
      base.pushLater(corpId, approvedEvent);
      return { changed: true, previous, ...(archived ? { archived } : {}), approvedEvent, welcomeCode };
    },

    setRoomAgreeStatus(corpId, roomid, externalUserId, status, atMs = clock.now()) {
      base.corp(corpId);
      checkStatus(status);
      const room = state.room(corpId, roomid);
      if (!room) throw new Error(`${corpId} has no room ${roomid}`);
      if (!room.members.some((m) => m.id === externalUserId) || !EXTERNAL_USERID_PATTERN.test(externalUserId)) throw new Error(`${externalUserId} is not a customer in room ${roomid}`);
      const current = state.roomAgree(corpId, roomid, externalUserId);
      if (current.status === status && current.changedAt !== 0) return { changed: false, previous: current };
      const previous = state.setRoomAgree(corpId, roomid, externalUserId, { status, changedAt: atMs });
      const others = room.members.map((m) => m.id).filter((id) => id !== externalUserId);
      const archived = consentMessage(corpId, externalUserId, others, roomid, status, atMs);
      return { changed: true, previous, ...(archived ? { archived } : {}) };
    },

    defineRoom(corpId, definition) {
      const corp = base.corp(corpId);
      const createdAt = definition.createdAt ?? clock.now();
      const roomid = definition.roomid ?? `wr${randomBase64Url(base.rng, 30)}`;
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(roomid)) throw new Error('roomid must be 1-64 [A-Za-z0-9_-]');
      if (!isMember(corp, definition.creator)) throw new Error(`room creator ${definition.creator} is not a member of ${corpId}`);
      const members: RoomMember[] = definition.members.map((m) => (typeof m === 'string' ? { id: m, joinedAt: createdAt } : { id: m.id, joinedAt: m.joinedAt ?? createdAt }));
      if (!members.some((m) => m.id.toLowerCase() === definition.creator.toLowerCase())) members.unshift({ id: definition.creator, joinedAt: createdAt });
      const strangers = members.filter((m) => !isMember(corp, m.id) && !base.isCustomer(corpId, m.id));
      if (strangers.length > 0) throw new Error(`room members must be members or customers of ${corpId} (not: ${strangers.map((m) => m.id).join(', ')})`);
      if (new Set(members.map((m) => m.id.toLowerCase())).size !== members.length) throw new Error('room members are listed twice');
      state.putRoom(corpId, {
        roomid,
        name: definition.name ?? '',
        creator: definition.creator,
        notice: definition.notice ?? '',
        createdAt,
        members,
        internal: members.every((m) => isMember(corp, m.id)),
      });
      return roomid;
    },

    setPermitUsers(corpId, permits) {
      const corp = base.corp(corpId);
      const entries: [string, PermitEdition][] = Array.isArray(permits) ? permits.map((u) => [u, 1]) : Object.entries(permits as Record<string, PermitEdition>);
      for (const [userid, edition] of entries) {
        if (!isMember(corp, userid)) throw new Error(`${userid} is not a member of ${corpId}`);
        if (edition !== 1 && edition !== 2 && edition !== 3) throw new Error(`edition of ${userid} must be 1, 2 or 3`);
      }
      state.setPermits(corp.corpId, new Map(entries));
    },

    archiveMessages: (corpId, afterSeq = 0) => archive.list(base.corp(corpId).corpId, afterSeq),

    appendArchiveMessage(corpId, message) {
      base.corp(corpId);
      const msgid = typeof message.msgid === 'string' && message.msgid !== '' ? message.msgid : archive.newMsgid(typeof message.msgtime === 'number' ? message.msgtime : clock.now());
      return archive.append(corpId, { ...message, msgid });
    },
  };
}
