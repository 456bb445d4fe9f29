/**
 * The content library as the composition root builds it: the item store,
 * the lifecycle commands behind the admin API's port, and the matcher that
 * links captured messages to approved items (msgaudit hooks, and the
 * pre-approval supervision asks about).
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { ContentAdminPorts } from '../admin-api/ports';
import type { ArchiveReader } from '../archive/reader';
import type { ArchiveWriter } from '../archive/writer';
import type { ConnectionGate } from '../db/connection-gate';
import { contentAdminPorts } from './admin-ports';
import type { ContentLibraryConfig } from './config';
import type { ItemCommandDeps } from './item-commands';
import { ContentItemStore } from './item-store';
import { createContentMatcher, type ContentMatcher } from './matching/content-matcher';
import { FingerprintFilter } from './matching/fingerprint-filter';

export interface ContentLibraryWiring {
  config: ContentLibraryConfig;
  dataSource: DataSource;
  gate: ConnectionGate;
  archive: ArchiveWriter;
  reader: ArchiveReader;
  /** The archive's subject blind index (senders of matched messages). */
  subjectIndex(id: string): string;
  registry: Registry;
  logger: Logger;
  now(): number;
}

export interface ContentLibrary {
  store: ContentItemStore;
  /** What the lifecycle commands run with (also the sidebar's image reads). */
  commands: ItemCommandDeps;
  ports: ContentAdminPorts;
  matcher: ContentMatcher;
  filter: FingerprintFilter;
  /** Load the matcher's filter (before the pullers run) and keep it fresh. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Build the content library. */
export function createContentLibrary(wiring: ContentLibraryWiring): ContentLibrary {
  const store = new ContentItemStore({ dataSource: wiring.dataSource, gate: wiring.gate });
  const filter = new FingerprintFilter({ load: () => store.matchableFingerprints(), refreshMs: wiring.config.filterRefreshMs, logger: wiring.logger });
  const commands: ItemCommandDeps = {
    config: wiring.config,
    store,
    archive: wiring.archive,
    reader: wiring.reader,
    now: wiring.now,
    onChange: () => void filter.reload(),
  };
  const matcher = createContentMatcher({ filter, subjectIndex: wiring.subjectIndex, registry: wiring.registry, logger: wiring.logger, now: wiring.now });
  return {
    store, commands, ports: contentAdminPorts(commands), matcher, filter,
    start: () => filter.start(),
    stop: () => filter.stop(),
  };
}
