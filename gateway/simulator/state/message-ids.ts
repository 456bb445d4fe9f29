/**
 * Ids Tencent hands back for accepted messages. Template msgids and mass
 * msg_data_ids start above 2^31, as real ones do, so a client that squeezes
 * them into a 32-bit integer breaks in tests rather than in production; all
 * stay below 2^53 so they survive JSON.parse.
 */
import { randomBase64Url, type Rng } from '../random';

/** Mints unique ids for one simulator. */
export class MessageIds {
  private template: number;
  private mass: number;
  private massData: number;

  constructor(private readonly rng: Rng) {
    this.template = 2 ** 31 + 1 + rng.int(1_000_000_000);
    this.mass = 1_000_000_001 + rng.int(1_000_000);
    this.massData = 2 ** 31 + 1 + rng.int(100_000_000);
  }

  /** template/send `msgid` (comes back as MsgID in TEMPLATESENDJOBFINISH). */
  templateMsgId(): number {
    this.template += 1 + this.rng.int(1000);
    return this.template;
  }

  /** Mass `msg_id`. */
  massMsgId(): number {
    this.mass += 1;
    return this.mass;
  }

  /** Mass `msg_data_id` (the article's id in analytics). */
  massDataId(): number {
    this.massData += 1 + this.rng.int(10);
    return this.massData;
  }

  /** WeCom message/send `msgid` (an opaque string used to recall). */
  wecomMsgId(): string {
    return randomBase64Url(this.rng, 64);
  }

  /** WeCom add_msg_template `msgid` (`msg` + opaque text, as in the doc sample). */
  wecomTaskId(): string {
    return `msg${randomBase64Url(this.rng, 27)}`;
  }

  /** WeCom interactive template card `response_code`. */
  responseCode(): string {
    return randomBase64Url(this.rng, 43);
  }
}
