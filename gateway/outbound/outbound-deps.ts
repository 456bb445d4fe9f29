/** What the outbound commands are given by the composition root. */
import type { Logger } from 'pino';
import type { AppConfig, OutboundConfig } from '../config/schema';
import type { ArchiveWriter } from '../archive/writer';
import type { ArchiveReader } from '../archive/reader';
import type { OutboxStore } from '../outbox/outbox-store';
import type { ContactStore } from './contact-store';
import type { OutboundMessageStore } from './message-store';
import type { OutboundAudit, PolicyGate, TencentSender } from './ports';

export interface OutboundDeps {
  archive: Pick<ArchiveWriter, 'append'>;
  reader: ArchiveReader;
  outbox: OutboxStore;
  messages: OutboundMessageStore;
  contacts: ContactStore;
  policy: PolicyGate;
  tencent: TencentSender;
  audit: OutboundAudit;
  apps: Map<string, AppConfig>;
  /** A new gateway msgid (msgid.ts): never repeated by this process. */
  nextMsgId(nowMs: number): number;
  /** Blind index of an openid / external_userid, the same as the archive's subject index. */
  subjectIndex(id: string): string;
  /** Ask the queue to run an outbox row (failures are left to the sweeper). */
  schedule(outboxId: string, attempts?: number, delayMs?: number): void;
  config: OutboundConfig;
  /** Metric hooks (prom-client in the gateway); never given message content. */
  observe?: { submitted(kind: string, status: string): void; delivery(kind: string, outcome: 'delivered' | 'failed' | 'retry'): void };
  now(): number;
  logger: Logger;
}
