/**
 * What WeCom archiving consent is reconciled for: each RM–customer pair the
 * gateway has seen (ids sealed: check_single_agree needs them in clear), and
 * each group chat (roomids are not personal).
 */
import { EntitySchema } from 'typeorm';
import type { Dialect } from '../dialect';
import { bigintColumn, sealedColumns, varcharColumn } from './columns';

export interface WecomContactPairRow {
  pairBidx: string;
  corpId: string;
  externalBidx: string;
  keyId: string;
  wrappedKey: Buffer;
  iv: Buffer;
  ciphertext: Buffer;
  agreeStatus: string | null;
  statusChangedAt: number | null;
  checkedAt: number | null;
  createdAt: number;
}

export const WECOM_CONTACT_PAIR_ENTITY = 'WecomContactPair';

export function wecomContactPairEntity(dialect: Dialect): EntitySchema<WecomContactPairRow> {
  return new EntitySchema<WecomContactPairRow>({
    name: WECOM_CONTACT_PAIR_ENTITY,
    tableName: 'wecom_contact_pair',
    columns: {
      pairBidx: { ...varcharColumn('pair_bidx', 64, { primary: true }), primaryKeyConstraintName: 'pk_wecom_contact_pair' },
      corpId: varcharColumn('corp_id', 64),
      externalBidx: varcharColumn('external_bidx', 64),
      ...sealedColumns(dialect),
      agreeStatus: varcharColumn('agree_status', 16, { nullable: true }),
      statusChangedAt: bigintColumn('status_changed_at', { nullable: true }),
      checkedAt: bigintColumn('checked_at', { nullable: true }),
      createdAt: bigintColumn('created_at'),
    },
    indices: [
      { name: 'ix_wecom_contact_pair_corp', columns: ['corpId', 'checkedAt'] },
      { name: 'ix_wecom_contact_pair_external', columns: ['externalBidx'] },
    ],
  });
}

export interface WecomRoomRow {
  corpId: string;
  roomid: string;
  checkedAt: number | null;
  createdAt: number;
}

export const WECOM_ROOM_ENTITY = 'WecomRoom';

export function wecomRoomEntity(): EntitySchema<WecomRoomRow> {
  return new EntitySchema<WecomRoomRow>({
    name: WECOM_ROOM_ENTITY,
    tableName: 'wecom_room',
    columns: {
      corpId: { ...varcharColumn('corp_id', 64, { primary: true }), primaryKeyConstraintName: 'pk_wecom_room' },
      roomid: { ...varcharColumn('roomid', 128, { primary: true }), primaryKeyConstraintName: 'pk_wecom_room' },
      checkedAt: bigintColumn('checked_at', { nullable: true }),
      createdAt: bigintColumn('created_at'),
    },
  });
}
