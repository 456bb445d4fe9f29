/**
 * Simulated WeCom corps (wecom.md). Identifier shapes follow what Tencent
 * issues, so the gateway's format checks run for real: CorpID `ww` + 16 hex,
 * secrets 43 × base64url, agent ids ≥ 1000000 (self-built apps start at
 * 1000002), userids 1–64 of [A-Za-z0-9_.@-], external_userids `wm`/`wo` + 30
 * base64url; the callback Token 3–32 letters or digits and EncodingAESKey 43
 * × [A-Za-z0-9], as for OA.
 */
import { aesKeyFromEncodingAESKey } from '../../../connectors/wechat/callback/crypto';
import { TOKEN_PATTERN } from '../accounts';
import { cryptoRng, randomAlnum, randomBase64Url, randomHex, seededRng, type Rng } from '../random';

/** One self-built app and its secret. */
export interface SimulatedAgent {
  readonly agentId: number;
  readonly secret: string;
}

/** One corp as WeCom knows it. */
export interface SimulatedCorp {
  readonly corpId: string;
  readonly agents: readonly SimulatedAgent[];
  /** The 客户联系 (customer contact) secret, for the externalcontact APIs. */
  readonly contactSecret: string;
  /** The 会话内容存档 (chat archive) secret, for the msgaudit APIs and the Finance SDK. */
  readonly msgauditSecret: string;
  /**
   * Where WeCom pushes the corp's callbacks (the gateway's `/callback/wecom/{corpConfigId}`).
   * One URL, Token and key per corp stand for the app, 客户联系 and archive-notify
   * callback settings, which a real corp may point at the same receiver.
   */
  readonly callbackUrl?: string;
  /** The callback Token (signatures). */
  readonly token: string;
  /** The callback EncodingAESKey (43 characters). */
  readonly encodingAESKey: string;
  /** Member userids (the apps' visible range is the whole corp). */
  readonly members: readonly string[];
  /** Customers the corp's members have added. */
  readonly externalContacts: readonly string[];
  /** Department id → member userids, for `toparty`. */
  readonly parties?: Readonly<Record<string, readonly string[]>>;
  /** Tag id → member userids, for `totag`. */
  readonly tags?: Readonly<Record<string, readonly string[]>>;
}

export const CORP_ID_PATTERN = /^ww[0-9a-f]{16}$/;
export const CORP_SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const USERID_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;
export const EXTERNAL_USERID_PATTERN = /^w[mo][A-Za-z0-9_-]{30}$/;

/** Overrides for `createSimulatedCorp`; anything left out is generated. */
export interface SimulatedCorpOptions extends Partial<SimulatedCorp> {
  /** How many customers to generate when `externalContacts` is not given (default 3). */
  externalContactCount?: number;
  seed?: string;
}

/** A fresh external_userid (`wm` + 30 base64url, as in Tencent's samples). */
export function newExternalUserId(rng: Rng = cryptoRng): string {
  return `wm${randomBase64Url(rng, 30)}`;
}

/**
 * Create a corp, generating every identifier not given.
 * @throws Error when a given identifier does not have Tencent's shape.
 */
export function createSimulatedCorp(options: SimulatedCorpOptions = {}): SimulatedCorp {
  const rng = options.seed === undefined ? cryptoRng : seededRng(`corp:${options.seed}`);
  const corp: SimulatedCorp = {
    corpId: options.corpId ?? `ww${randomHex(rng, 16)}`,
    agents: options.agents ?? [{ agentId: 1000002, secret: randomBase64Url(rng, 43) }],
    contactSecret: options.contactSecret ?? randomBase64Url(rng, 43),
    members: options.members ?? ['zhangsan', 'lisi', 'wangwu'],
    externalContacts: options.externalContacts ?? Array.from({ length: options.externalContactCount ?? 3 }, () => newExternalUserId(rng)),
    ...(options.parties ? { parties: options.parties } : {}),
    ...(options.tags ? { tags: options.tags } : {}),
    // Drawn after the older fields, so a seed still yields the same ids it did before these existed.
    msgauditSecret: options.msgauditSecret ?? randomBase64Url(rng, 43),
    token: options.token ?? randomAlnum(rng, 32),
    encodingAESKey: options.encodingAESKey ?? randomAlnum(rng, 43),
    ...(options.callbackUrl !== undefined ? { callbackUrl: options.callbackUrl } : {}),
  };
  assertCorpShape(corp);
  return corp;
}

/** @throws Error naming every field that does not look like Tencent's. */
export function assertCorpShape(corp: SimulatedCorp): void {
  const problems: string[] = [];
  if (!CORP_ID_PATTERN.test(String(corp.corpId))) problems.push('corpId must be ww + 16 hex');
  if (!Array.isArray(corp.agents) || corp.agents.length === 0) problems.push('agents must list at least one app');
  const secrets = new Set<string>();
  for (const agent of Array.isArray(corp.agents) ? corp.agents : []) {
    if (!Number.isInteger(agent.agentId) || agent.agentId < 1000000) problems.push(`agentId ${agent.agentId} must be an integer >= 1000000`);
    if (!CORP_SECRET_PATTERN.test(String(agent.secret))) problems.push(`agent ${agent.agentId} secret must be 43 base64url characters`);
    secrets.add(agent.secret);
  }
  if (new Set(corp.agents?.map((a) => a.agentId)).size !== corp.agents?.length) problems.push('agentIds must be distinct');
  if (!CORP_SECRET_PATTERN.test(String(corp.contactSecret))) problems.push('contactSecret must be 43 base64url characters');
  if (!CORP_SECRET_PATTERN.test(String(corp.msgauditSecret))) problems.push('msgauditSecret must be 43 base64url characters');
  if (secrets.has(corp.contactSecret) || secrets.has(corp.msgauditSecret) || corp.contactSecret === corp.msgauditSecret || secrets.size !== corp.agents?.length) {
    problems.push('every secret must be distinct');
  }
  if (!TOKEN_PATTERN.test(String(corp.token))) problems.push('token must be 3-32 letters or digits');
  try {
    aesKeyFromEncodingAESKey(String(corp.encodingAESKey));
  } catch {
    problems.push('encodingAESKey must be 43 characters [A-Za-z0-9]');
  }
  if (corp.callbackUrl !== undefined && !isHttpUrl(corp.callbackUrl)) problems.push('callbackUrl must be an absolute http(s) URL');
  const badMembers = (corp.members ?? []).filter((m) => !USERID_PATTERN.test(m));
  if (!Array.isArray(corp.members) || badMembers.length > 0) problems.push(`members must be userids of 1-64 [A-Za-z0-9_.@-]${badMembers.length ? ` (bad: ${badMembers.join(', ')})` : ''}`);
  const badExternal = (corp.externalContacts ?? []).filter((e) => !EXTERNAL_USERID_PATTERN.test(e));
  if (!Array.isArray(corp.externalContacts) || badExternal.length > 0) problems.push(`externalContacts must be wm/wo + 30 base64url${badExternal.length ? ` (bad: ${badExternal.join(', ')})` : ''}`);
  const memberSet = new Set((corp.members ?? []).map((m) => m.toLowerCase()));
  for (const [kind, groups] of [['parties', corp.parties], ['tags', corp.tags]] as const) {
    for (const [id, members] of Object.entries(groups ?? {})) {
      if (!/^\d+$/.test(id)) problems.push(`${kind} id ${id} must be numeric`);
      const strangers = members.filter((m) => !memberSet.has(m.toLowerCase()));
      if (strangers.length > 0) problems.push(`${kind} ${id} lists non-members: ${strangers.join(', ')}`);
    }
  }
  if (problems.length > 0) throw new Error(`invalid simulated corp ${String(corp.corpId)}: ${problems.join('; ')}`);
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
