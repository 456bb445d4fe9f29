/** What a classifier returns: the canonical message's parts, before the gateway adds ids, app and account. */
import type { OutboundMessage } from './outbound-message';

export type ClassifiedOutbound = Pick<OutboundMessage, 'kind' | 'product' | 'msgtype' | 'recipients' | 'texts' | 'contentHash'> & {
  /** The Tencent path delivery posts to, e.g. `/cgi-bin/message/custom/send`. */
  tencentPath: string;
  /** Which secret's token delivery uses: `agent:<agentid>` or `contact` (WeCom); absent for OA (one token per account). */
  secret?: string;
};
