/** What the Tencent-compatible API's routes and commands are given by the composition root. */
import type { Logger } from 'pino';
import type { AppConfig, CorpConfig, OutboundConfig } from '../config/schema';
import type { AccountRuntime } from '../commands/inbound-deps';
import type { AppTokens } from './app-tokens';
import type { OutboundDeps } from '../outbound/outbound-deps';

/** One line of the audit log as the compatible API writes it (no tokens, secrets or message text). */
export interface CompatAuditEvent {
  type: 'api.auth.failed';
  actor: { subject: string; via: 'app-credentials' | 'app-token' };
  target: string;
  outcome: 'denied';
  details: Record<string, string | number | boolean>;
}

export interface CompatDeps {
  accounts: Map<string, AccountRuntime>;
  corps: Map<string, CorpConfig>;
  apps: Map<string, AppConfig>;
  tokens: AppTokens;
  outbound: OutboundDeps;
  audit: { record(event: CompatAuditEvent): Promise<void> };
  config: OutboundConfig;
  now(): number;
  logger: Logger;
}
