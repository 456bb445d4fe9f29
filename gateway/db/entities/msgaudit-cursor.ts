/**
 * Where the chat-archive puller of one WeCom corp stands: the last GetChatData
 * seq whose records are archived, moved only in the transaction that archives
 * them (compare-and-set on `version`), plus what completeness monitoring and
 * `cgw msgaudit status` read. The seq is an unsigned 64-bit counter, beyond
 * what bigint (signed) holds, so it is kept as its canonical decimal text.
 */
import { EntitySchema } from 'typeorm';
import type { Dialect } from '../dialect';
import { bigintColumn, longTextColumn, varcharColumn } from './columns';

/** A row of `msgaudit_cursor`. */
export interface MsgauditCursorRow {
  /** The WeCom CorpID (the seq space is Tencent's, per corp). */
  corpId: string;
  /** The corp's id in the gateway configuration (the archive's accountId). */
  accountId: string;
  /** Canonical decimal seq of the last archived record; "0" before the first. */
  lastSeq: string;
  /** Grows with every seq advance: the compare-and-set guard. */
  version: number;
  /** Epoch ms when the last successful GetChatData call was issued. */
  lastPullAt: number | null;
  /** Epoch ms when the last pull that drained the corp (fewer records than asked) was issued. */
  caughtUpAt: number | null;
  /** msgtime of the newest archived message, epoch ms. */
  lastMessageAt: number | null;
  /** Records archived raw (undecryptable or unparseable) so far. */
  undecryptableCount: number;
  /** Seqs Tencent skipped between consecutive records (informational: Tencent's seqs are not contiguous). */
  skippedSeqs: number;
  /** Stable code of the last pull failure (`finance-sdk.10001`, `tencent.301052`, …); null after a success. */
  lastErrorCode: string | null;
  /** Its safe message, with what to fix. */
  lastError: string | null;
  lastErrorAt: number | null;
  /** Set when the puller stopped on an error that needs a fix (retry "never"). */
  stoppedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** Entity name for `dataSource.getRepository<MsgauditCursorRow>(…)`. */
export const MSGAUDIT_CURSOR_ENTITY = 'MsgauditCursor';

/** Longest lastError kept (the message is truncated to it). */
export const MSGAUDIT_LAST_ERROR_CHARS = 1000;

/** The `msgaudit_cursor` entity schema; lastError is Unicode text (Tencent's hints name 会话内容存档), typed per dialect. */
export function msgauditCursorEntity(dialect: Dialect): EntitySchema<MsgauditCursorRow> {
  return new EntitySchema<MsgauditCursorRow>({
    name: MSGAUDIT_CURSOR_ENTITY,
    tableName: 'msgaudit_cursor',
    columns: {
      corpId: { ...varcharColumn('corp_id', 64, { primary: true }), primaryKeyConstraintName: 'pk_msgaudit_cursor' },
      accountId: varcharColumn('account_id', 64),
      lastSeq: varcharColumn('last_seq', 20),
      version: bigintColumn('version'),
      lastPullAt: bigintColumn('last_pull_at', { nullable: true }),
      caughtUpAt: bigintColumn('caught_up_at', { nullable: true }),
      lastMessageAt: bigintColumn('last_message_at', { nullable: true }),
      undecryptableCount: bigintColumn('undecryptable_count'),
      skippedSeqs: bigintColumn('skipped_seqs'),
      lastErrorCode: varcharColumn('last_error_code', 64, { nullable: true }),
      lastError: { ...longTextColumn(dialect, 'last_error'), nullable: true },
      lastErrorAt: bigintColumn('last_error_at', { nullable: true }),
      stoppedAt: bigintColumn('stopped_at', { nullable: true }),
      createdAt: bigintColumn('created_at'),
      updatedAt: bigintColumn('updated_at'),
    },
  });
}
