/**
 * In-memory stand-ins for the consent ports, the OAuth edge and the audit
 * log, for the page route tests. They keep what they were given so tests can
 * assert that nothing was recorded after a refusal.
 */
import { createHash, randomBytes } from 'node:crypto';
import { OAuthCodeError, oauthAuthorizeUrl, type OAuthIdentity } from '../../../connectors/wechat/api/oauth';
import { TencentApiError } from '../../../connectors/wechat/api/tencent-api-error';
import type { AuditEventInput } from '../../audit/audit-log';
import type { ConsentLanguage } from '../../consent/config';
import type {
  BindInput, Bindings, ConsentEntry, ConsentLedger, ConsentNotice, ConsentNotices, LedgerPurpose, PageFlow, PageStates, PersonConsent, PersonRef, RecordConsentInput,
} from '../../consent/ports';
import type { PageOAuth } from '../page-deps';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LEDGER_PURPOSES: LedgerPurpose[] = ['archiving', 'marketing', 'cross_border', 'sensitive', 'processing'];

/** Notices whose texts tests can change (a new version). */
export class FakeNotices implements ConsentNotices {
  texts = new Map<string, { title: string; text: string }>([
    ['archiving|zh-CN', { title: '会话存档', text: '本行将加密保存您与本行的会话记录。' }],
    ['archiving|en', { title: 'Conversation archiving', text: 'The bank keeps an encrypted record of your conversations.' }],
    ['marketing|zh-CN', { title: '营销信息', text: '本行可通过微信向您发送产品与活动信息。' }],
    ['marketing|en', { title: 'Marketing messages', text: 'The bank may send you product messages on WeChat.' }],
    ['cross_border|zh-CN', { title: '个人信息出境', text: '本行可能将必要个人信息提供给境外关联机构。' }],
    ['cross_border|en', { title: 'Cross-border transfer', text: 'The bank may transfer required personal information abroad.' }],
  ]);
  private readonly order: LedgerPurpose[] = ['archiving', 'marketing', 'cross_border'];

  list(language: ConsentLanguage): ConsentNotice[] {
    return this.order.map((purpose) => this.get(purpose, language)!);
  }

  get(purpose: LedgerPurpose, language: ConsentLanguage): ConsentNotice | undefined {
    const entry = this.texts.get(`${purpose}|${language}`);
    return entry ? { purpose, language, ...entry, version: sha256(entry.text) } : undefined;
  }

  isCurrent(purpose: LedgerPurpose, version: string | null): boolean {
    return (['zh-CN', 'en'] as const).some((language) => this.get(purpose, language)?.version === version);
  }
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const personKey = (p: PersonRef) => `${p.kind}|${p.accountId}|${p.id}`;

/** A ledger that derives state from its entries (last entry per purpose; a grant under an old notice is stale). */
export class FakeLedger implements ConsentLedger {
  readonly records: RecordConsentInput[] = [];
  private readonly entries = new Map<string, ConsentEntry[]>();
  private readonly dedupe = new Map<string, string>();
  failNext: Error | null = null;

  constructor(private readonly notices: FakeNotices) {}

  async current(person: PersonRef): Promise<PersonConsent> {
    const list = this.entries.get(personKey(person)) ?? [];
    const purposes = {} as PersonConsent['purposes'];
    for (const purpose of LEDGER_PURPOSES) {
      const last = [...list].reverse().find((e) => e.purpose === purpose);
      purposes[purpose] = !last
        ? { state: 'missing', since: null, noticeVersion: null }
        : { state: last.action === 'withdraw' ? 'withdrawn' : this.notices.isCurrent(purpose, last.noticeVersion) ? 'granted' : 'stale', since: last.occurredAt, noticeVersion: last.noticeVersion };
    }
    return { purposes, retainedForLegalObligationOnly: purposes.processing.state === 'withdrawn' };
  }

  async record(input: RecordConsentInput): Promise<{ evidenceRecordId: string; entries: ConsentEntry[]; duplicate: boolean }> {
    if (this.failNext) {
      const err = this.failNext;
      this.failNext = null;
      throw err;
    }
    const key = 'dedupeKey' in input.evidence ? input.evidence.dedupeKey : undefined;
    if (key && this.dedupe.has(key)) return { evidenceRecordId: this.dedupe.get(key)!, entries: [], duplicate: true };
    this.records.push(input);
    const evidenceRecordId = 'recordId' in input.evidence ? input.evidence.recordId : `rec-${this.records.length}`;
    if (key) this.dedupe.set(key, evidenceRecordId);
    const entries = input.changes.map((change, i) => ({ ...change, id: `${evidenceRecordId}-${i}`, channel: input.channel, source: input.source, evidenceRecordId, occurredAt: input.occurredAt, recordedAt: input.occurredAt, actor: input.actor ?? null }));
    const list = this.entries.get(personKey(input.person)) ?? [];
    list.push(...entries);
    this.entries.set(personKey(input.person), list);
    return { evidenceRecordId, entries, duplicate: false };
  }

  async history(person: PersonRef): Promise<ConsentEntry[]> {
    return [...(this.entries.get(personKey(person)) ?? [])];
  }

  /** Grant directly (test setup), optionally under a notice version that is not current. */
  async seed(person: PersonRef, purpose: LedgerPurpose, action: 'grant' | 'withdraw', noticeVersion: string, at: number): Promise<void> {
    await this.record({ person, changes: [{ purpose, action, noticeVersion, language: 'zh-CN' }], channel: 'admin_api', source: 'admin', evidence: { recordId: `seed-${randomBytes(4).toString('hex')}` }, occurredAt: at });
    this.records.pop();
  }
}

export class FakeBindings implements Bindings {
  readonly binds: BindInput[] = [];

  async bind(input: BindInput): Promise<{ evidenceRecordId: string }> {
    this.binds.push(input);
    return { evidenceRecordId: `bind-${this.binds.length}` };
  }

  async unbind(): Promise<{ evidenceRecordId: string }> {
    throw new Error('not used by the pages');
  }

  async customerOf(person: PersonRef): Promise<string | null> {
    const last = [...this.binds].reverse().find((b) => b.persons.some((p) => personKey(p) === personKey(person)));
    return last?.customerId ?? null;
  }

  async history(): Promise<never[]> {
    return [];
  }
}

/** Single-use states; consume with another flow or account answers null and leaves the state alone. */
export class FakePageStates implements PageStates {
  readonly states = new Map<string, { flow: PageFlow; accountId: string; data: Record<string, string>; expiresAt: number; used: boolean }>();

  constructor(private readonly now: () => number, private readonly defaultTtlSeconds = 600) {}

  async create(flow: PageFlow, accountId: string, data: Record<string, string>, ttlSeconds?: number): Promise<string> {
    const state = Array.from(randomBytes(43), (b) => ALNUM[b % 62]).join('');
    this.states.set(state, { flow, accountId, data: { ...data }, expiresAt: this.now() + (ttlSeconds ?? this.defaultTtlSeconds) * 1000, used: false });
    return state;
  }

  async consume(state: string, flow: PageFlow, accountId: string): Promise<Record<string, string> | null> {
    const entry = this.states.get(state);
    if (!entry || entry.used || entry.flow !== flow || entry.accountId !== accountId || entry.expiresAt <= this.now()) return null;
    entry.used = true;
    return { ...entry.data };
  }

  /** The latest state created for `flow`. */
  latest(flow: PageFlow): { state: string; data: Record<string, string> } | undefined {
    const found = [...this.states].reverse().find(([, e]) => e.flow === flow);
    return found ? { state: found[0], data: found[1].data } : undefined;
  }
}

/** WeChat's side of OAuth: codes the test issues for a user, single use. */
export class FakeOAuth implements PageOAuth {
  private readonly codes = new Map<string, OAuthIdentity | { fail: 'used' | 'expired' | 'down' }>();
  readonly exchanged: string[] = [];

  authorizeUrl(account: { appId: string }, redirectUri: string, state: string): string {
    return oauthAuthorizeUrl({ appId: account.appId, redirectUri, state });
  }

  /** A code WeChat would hand the browser of `openid`. */
  codeFor(openid: string, extra: Partial<OAuthIdentity> = {}): string {
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { openid, scope: 'snsapi_base', snapshotUser: false, ...extra });
    return code;
  }

  failingCode(fail: 'used' | 'expired' | 'down'): string {
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { fail });
    return code;
  }

  async exchange(_account: unknown, code: string): Promise<OAuthIdentity> {
    this.exchanged.push(code);
    const entry = this.codes.get(code);
    this.codes.delete(code);
    if (!entry) throw new OAuthCodeError('invalid', 40029);
    if ('fail' in entry) {
      if (entry.fail === 'down') throw new TencentApiError({ kind: 'connection', product: 'oa', operation: 'token', endpoint: 'GET /sns/oauth2/access_token', retry: 'backoff', delivered: 'no', scope: 'account', transportCode: 'ECONNREFUSED', detail: 'down' });
      throw new OAuthCodeError(entry.fail, entry.fail === 'used' ? 40163 : 42003);
    }
    return entry;
  }
}

export class FakeAudit {
  readonly events: AuditEventInput[] = [];
  async record(event: AuditEventInput) {
    this.events.push(event);
    return { ...event, seq: this.events.length, id: String(this.events.length), at: 0, target: event.target ?? null, contentHash: null, details: event.details ?? {}, prevHash: '', hash: '' };
  }
  of(type: AuditEventInput['type']): AuditEventInput[] {
    return this.events.filter((e) => e.type === type);
  }
}
