/** Builds the outbound side (stores and command deps) for the composition root. */
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { AppConfig, GatewayConfig } from '../config/schema';
import type { ConnectionGate } from '../db/connection-gate';
import type { ArchiveWriter } from '../archive/writer';
import type { ArchiveReader } from '../archive/reader';
import type { OutboxStore } from '../outbox/outbox-store';
import type { KeyStore } from '../archive/crypto/key-store';
import { blindIndex } from '../archive/crypto/blind-index';
import { ContactStore } from './contact-store';
import { OutboundMessageStore } from './message-store';
import { createMsgIdSource, type MsgIdSource } from './msgid';
import type { OutboundDeps } from './outbound-deps';
import type { OutboundAudit, PolicyGate, TencentSender } from './ports';

export interface OutboundParts {
  dataSource: DataSource;
  gate: ConnectionGate;
  archive: ArchiveWriter;
  reader: ArchiveReader;
  outbox: OutboxStore;
  keyStore: KeyStore;
  /** The configured apps by id (the composition root's one map). */
  apps: Map<string, AppConfig>;
  policy: PolicyGate;
  tencent: TencentSender;
  audit: OutboundAudit;
  schedule(outboxId: string, attempts?: number, delayMs?: number): void;
  observe?: OutboundDeps['observe'];
  now(): number;
  logger: Logger;
  /** The msgid source (tests force collisions); a new per-process one otherwise. */
  msgIds?: MsgIdSource;
}

/** The outbound commands' dependencies. */
export function createOutbound(config: GatewayConfig, parts: OutboundParts): OutboundDeps {
  const contacts = new ContactStore(parts.dataSource, parts.gate, {
    now: parts.now,
    onError: (err) => parts.logger.warn({ err }, 'follower window update failed; retrying'),
  });
  return {
    archive: parts.archive,
    reader: parts.reader,
    outbox: parts.outbox,
    messages: new OutboundMessageStore(parts.dataSource, parts.gate),
    contacts,
    policy: parts.policy,
    tencent: parts.tencent,
    audit: parts.audit,
    apps: parts.apps,
    nextMsgId: parts.msgIds ?? createMsgIdSource(),
    subjectIndex: (id) => blindIndex(parts.keyStore.indexKey(), 'subject', id),
    schedule: parts.schedule,
    config: config.outbound,
    ...(parts.observe ? { observe: parts.observe } : {}),
    now: parts.now,
    logger: parts.logger,
  };
}
