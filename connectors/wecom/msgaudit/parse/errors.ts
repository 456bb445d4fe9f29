/**
 * The one error type of msgaudit parsing: a GetChatData envelope or a
 * decrypted message that cannot be turned into records or a MsgauditEvent.
 * Messages are fixed text chosen here plus wire field *names*, indices, seqs,
 * sizes and limits: never a value from the input (a message body, an id, a
 * key the input invented), and no error carries a `cause`.
 */

/** Closed set of parse error codes. */
export type MsgauditParseErrorCode =
  | 'too-large' // the input exceeds its byte limit (checked before parsing)
  | 'bad-utf8' // the bytes are not valid UTF-8
  | 'malformed-json' // not JSON (including truncated)
  | 'too-deep' // nesting beyond the limit
  | 'too-many-values' // more JSON values than the limit
  | 'array-too-long' // one array beyond the limit
  | 'nul-character' // a string or key contains U+0000
  | 'lone-surrogate' // a string or key contains an unpaired UTF-16 surrogate
  | 'not-an-object' // the document (or an embedded content) is not a JSON object
  | 'missing-field' // a mandatory field is absent (or null)
  | 'bad-field' // a field has the wrong type or form
  | 'field-mismatch' // the decrypted message disagrees with its GetChatData record (msgid)
  | 'too-many-records' // chatdata holds more records than a pull may return
  | 'duplicate-seq' // two records with the same seq
  | 'seq-not-increasing' // a record's seq is below the previous one
  | 'seq-not-after-cursor'; // a record's seq is not after the seq the pull started from

/** Which document failed: the GetChatData answer, or one decrypted message. */
export type MsgauditParseSubject = 'envelope' | 'message';

export interface MsgauditParseErrorDetails {
  /** Wire path of the offending field (`chatdata[3].publickey_ver`, `mixed.item[1].content`). */
  path?: string;
  /** Index of the record in chatdata. */
  index?: number;
  /** The record's seq, when known. */
  seq?: string;
  /** Overrides the subject's default (a single bad record in a good envelope is not cured by pulling again). */
  retryable?: boolean;
}

export class MsgauditParseError extends Error {
  override readonly name = 'MsgauditParseError';
  readonly expose = true;
  /**
   * Whether pulling again may help. An envelope is re-pulled (GetChatData is an
   * idempotent read, and corruption on the way may not repeat); a decrypted
   * message is deterministic: archive the record raw with this error and alert.
   */
  readonly retryable: boolean;
  readonly path: string | undefined;
  readonly index: number | undefined;
  readonly seq: string | undefined;

  constructor(readonly code: MsgauditParseErrorCode, readonly subject: MsgauditParseSubject, message: string, details: MsgauditParseErrorDetails = {}) {
    super(`msgaudit ${subject}: ${message}`);
    this.retryable = details.retryable ?? subject === 'envelope';
    this.path = details.path;
    this.index = details.index;
    this.seq = details.seq;
  }
}
