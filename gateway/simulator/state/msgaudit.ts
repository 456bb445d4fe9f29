/**
 * What WeCom's chat archive (会话内容存档, wecom.md §6) remembers besides the
 * messages: each customer's archiving consent — per (member, customer) for
 * one-to-one chats and per (room, customer) for group chats — the groups the
 * archive knows, and which members archiving covers (the permit list).
 *
 * Times are epoch ms here; the API answers seconds (status_change_time,
 * room_create_time, jointime), the archive messages milliseconds.
 */

export type AgreeStatus = 'Agree' | 'Disagree' | 'Default_Agree';
export const AGREE_STATUSES: readonly AgreeStatus[] = ['Agree', 'Disagree', 'Default_Agree'];

/** A consent as check_single_agree / check_room_agree report it. */
export interface AgreeRecord {
  status: AgreeStatus;
  /** Epoch ms of the last change; 0 for a customer who never chose. */
  changedAt: number;
}

/**
 * A customer who never chose is not archived: answered as Disagree at time 0
 * (the API has no "undecided" status).
 */
export const UNDECIDED: AgreeRecord = { status: 'Disagree', changedAt: 0 };

/** 1 office, 2 service, 3 enterprise edition (get_permit_user_list `type`). */
export type PermitEdition = 1 | 2 | 3;

export interface RoomMember {
  /** A member's userid or a customer's external_userid. */
  id: string;
  /** Epoch ms. */
  joinedAt: number;
}

/** A group chat as the archive knows it. */
export interface ArchiveRoom {
  roomid: string;
  name: string;
  /** A member's userid. */
  creator: string;
  notice: string;
  /** Epoch ms. */
  createdAt: number;
  members: RoomMember[];
  /** No customers among the members: groupchat/get answers only for these. */
  internal: boolean;
}

const pairKey = (...parts: string[]): string => parts.join('\u0000');

/** Consents, rooms and permit lists of every simulated corp. */
export class MsgauditState {
  private readonly single = new Map<string, AgreeRecord>();
  private readonly inRoom = new Map<string, AgreeRecord>();
  private readonly rooms = new Map<string, ArchiveRoom>();
  private readonly permits = new Map<string, Map<string, PermitEdition>>();

  /** The consent between member `userid` and customer `externalUserId`. */
  singleAgree(corpId: string, userid: string, externalUserId: string): AgreeRecord {
    return { ...(this.single.get(pairKey(corpId, userid.toLowerCase(), externalUserId)) ?? UNDECIDED) };
  }

  /** Set it; returns the previous record. */
  setSingleAgree(corpId: string, userid: string, externalUserId: string, record: AgreeRecord): AgreeRecord {
    const key = pairKey(corpId, userid.toLowerCase(), externalUserId);
    const previous = this.single.get(key) ?? UNDECIDED;
    this.single.set(key, { ...record });
    return { ...previous };
  }

  /** A customer's consent in a group chat. */
  roomAgree(corpId: string, roomid: string, externalUserId: string): AgreeRecord {
    return { ...(this.inRoom.get(pairKey(corpId, roomid, externalUserId)) ?? UNDECIDED) };
  }

  /** Set it; returns the previous record. */
  setRoomAgree(corpId: string, roomid: string, externalUserId: string, record: AgreeRecord): AgreeRecord {
    const key = pairKey(corpId, roomid, externalUserId);
    const previous = this.inRoom.get(key) ?? UNDECIDED;
    this.inRoom.set(key, { ...record });
    return { ...previous };
  }

  /** Add or replace a room. */
  putRoom(corpId: string, room: ArchiveRoom): void {
    this.rooms.set(pairKey(corpId, room.roomid), { ...room, members: room.members.map((m) => ({ ...m })) });
  }

  room(corpId: string, roomid: string): ArchiveRoom | undefined {
    const room = this.rooms.get(pairKey(corpId, roomid));
    return room && { ...room, members: room.members.map((m) => ({ ...m })) };
  }

  /** Replace the corp's permit list (userid → edition). */
  setPermits(corpId: string, permits: ReadonlyMap<string, PermitEdition>): void {
    this.permits.set(corpId, new Map(permits));
  }

  /** The corp's permit list, or undefined when never set. */
  permitList(corpId: string): ReadonlyMap<string, PermitEdition> | undefined {
    return this.permits.get(corpId);
  }
}
