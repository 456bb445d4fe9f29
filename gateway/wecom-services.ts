/**
 * The WeCom side of the composition root: archiving consent, the content
 * library, supervision of captured chat-archive messages, the corp directory
 * and RM hand-overs. Each calls WeCom through the upstream with one of a
 * corp's secrets; the chat-archive hooks they add are combined here, for the
 * msgaudit puller the composition root made before them.
 */
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { TencentRequest } from '../connectors/wechat/api/tencent-api-client';
import type { PreparedPolicy } from '../policies/prepare';
import type { GatewayConfig } from './config/schema';
import type { ConnectionGate } from './db/connection-gate';
import type { KeyStore } from './archive/crypto/key-store';
import { blindIndex } from './archive/crypto/blind-index';
import type { ArchiveReader } from './archive/reader';
import type { ArchiveWriter } from './archive/writer';
import type { AuditLog } from './audit/audit-log';
import type { CallResult } from './upstream/call-tencent';
import type { Upstream } from './upstream/create-upstream';
import { wecomTokenKey } from './upstream/token-key';
import type { Consent } from './consent/create-consent';
import { wecomConsent, type WecomConsent } from './consent/wecom-consent';
import { wecomDirectory, type WecomDirectory } from './wecom-directory/wecom-directory';
import { combineHooks, type MsgauditEventHooks } from './msgaudit/archive-entries';
import { createSupervision, type Supervision } from './supervision/create-supervision';
import { createContentLibrary, type ContentLibrary } from './content-library/create-content-library';
import { createHandover, type Handover } from './handover/create-handover';

export interface WecomServiceParts {
  upstream: Upstream;
  consent: Consent;
  prepared: PreparedPolicy;
  dataSource: DataSource;
  gate: ConnectionGate;
  keyStore: KeyStore;
  archive: ArchiveWriter;
  reader: ArchiveReader;
  audit: AuditLog;
  subjectIndex(id: string): string;
  registry: Registry;
  logger: Logger;
  now(): number;
}

export interface WecomServices {
  wecomConsent: WecomConsent;
  contentLibrary: ContentLibrary;
  supervision: Supervision;
  directory: WecomDirectory;
  handover: Handover;
  /** What the services add to each archived chat-archive batch, combined. */
  msgauditHooks: MsgauditEventHooks;
}

/** Build the WeCom-side services (nothing starts; the composition root starts and stops them). */
export function createWecomServices(config: GatewayConfig, parts: WecomServiceParts): WecomServices {
  const { dataSource, gate, keyStore, archive, logger, now } = parts;
  const msgauditCorps = config.corps.filter((c) => c.msgaudit !== undefined);
  /** Call a WeCom API with one of a corp's secrets (the upstream's CallResult). */
  const callWecom = (corpConfigId: string, secret: 'msgaudit' | 'contacts', request: TencentRequest): Promise<CallResult> => {
    const corp = config.corps.find((c) => c.id === corpConfigId);
    return corp ? parts.upstream.callTencent(wecomTokenKey(corp.corpId, secret), request) : Promise.reject(new Error(`no WeCom corp "${corpConfigId}"`));
  };
  /** POST one: Tencent's JSON on errcode 0, else the classified upstream error (carrying `errcode`). */
  const postWecom = async (corpConfigId: string, secret: 'msgaudit' | 'contacts', path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const result = await callWecom(corpConfigId, secret, { method: 'POST', path, json: body });
    if (!result.ok) throw result.error;
    return result.body;
  };
  const consentService = wecomConsent({
    consent: parts.consent, dataSource, gate, keyStore, corps: msgauditCorps.map((c) => ({ id: c.id, corpId: c.corpId })), intervalMs: config.consent.wecomReconcileIntervalMs, now, logger,
    callMsgaudit: (corpConfigId, path, body) => postWecom(corpConfigId, 'msgaudit', path, body),
  });
  const contentLibrary = createContentLibrary({ config: config.contentLibrary, dataSource, gate, archive, reader: parts.reader, subjectIndex: parts.subjectIndex, registry: parts.registry, logger, now });
  const supervision = createSupervision({
    prepared: parts.prepared, subjectIndex: (id) => parts.consent.index({ id }), dedupeIndex: (key) => blindIndex(keyStore.indexKey(), 'dedupe', key),
    dataSource, gate, registry: parts.registry, logger, now,
    preApproved: (tx, accountId, event) => contentLibrary.matcher.preApproved(tx, accountId, event),
  });
  const directory = wecomDirectory({
    corps: msgauditCorps.map((c) => ({ id: c.id, corpId: c.corpId, hasContactSecret: c.contactSecret !== undefined })),
    dataSource, gate, keyStore, archive, intervalMs: config.msgaudit.statusIntervalMs, now, logger,
    call: postWecom,
  });
  // Hand-overs go through the corp's contact secret.
  const handover = createHandover({
    config: config.handover, corps: config.corps, dataSource, gate, keyStore, archive, audit: parts.audit, logger, now,
    call: (corpConfigId, request) => callWecom(corpConfigId, 'contacts', request),
  });
  return {
    wecomConsent: consentService, contentLibrary, supervision, directory, handover,
    // The content library's hooks link captured messages to approved items (supervision asks it through preApproved; order does not matter).
    msgauditHooks: combineHooks(consentService.msgauditHooks, contentLibrary.matcher.msgauditHooks, supervision.msgauditHooks, directory.msgauditHooks),
  };
}
