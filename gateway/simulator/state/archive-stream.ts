/**
 * The chat-archive stream WeCom would serve through the Finance SDK: per
 * corp, decrypted message JSON (wecom.md §6.5) in seq order, seq counting
 * from 1. The simulator writes the consent system messages (`agree`,
 * `disagree`) here; tests may append others. The Finance SDK stand-in
 * (connectors/wecom/msgaudit/standin) is fed from a fixture, not from the
 * simulator: a test seals these entries into that fixture (its
 * `standinRecord({ seq, message, … })`).
 */
import { randomDigits, type Rng } from '../random';

/** One message of the stream. */
export interface ArchivedChat {
  seq: number;
  /** The decrypted message JSON, as GetChatData + DecryptData would yield it. */
  message: { msgid: string } & Record<string, unknown>;
}

/** Every corp's stream. */
export class ArchiveStream {
  private readonly byCorp = new Map<string, ArchivedChat[]>();

  constructor(private readonly rng: Rng) {}

  /** Append `message` (a copy) as the corp's next seq. */
  append(corpId: string, message: { msgid: string } & Record<string, unknown>): ArchivedChat {
    const list = this.byCorp.get(corpId) ?? [];
    this.byCorp.set(corpId, list);
    const entry: ArchivedChat = { seq: list.length + 1, message: structuredClone(message) };
    list.push(entry);
    return structuredClone(entry);
  }

  /** Messages after `afterSeq` (exclusive, as GetChatData), oldest first. */
  list(corpId: string, afterSeq = 0): ArchivedChat[] {
    return (this.byCorp.get(corpId) ?? []).filter((e) => e.seq > afterSeq).map((e) => structuredClone(e));
  }

  /** A msgid in the shape of the official samples: `<19 digits>_<unix seconds>`. */
  newMsgid(atMs: number): string {
    return `${randomDigits(this.rng, 19)}_${Math.floor(atMs / 1000)}`;
  }
}
