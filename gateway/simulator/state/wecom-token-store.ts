/**
 * WeCom access tokens (wecom.md §2): one per secret — each app's secret, the
 * contact secret and the chat-archive secret get their own — and, unlike OA, gettoken hands back the
 * same token while it is valid, minting a new one only after expiry.
 */
import type { Clock } from '../clock';
import { randomBase64Url, type Rng } from '../random';
import type { SimulatedCorp } from './wecom-corps';

/** Whose token it is: an app (agent), the customer-contact secret or the chat-archive (msgaudit) secret. */
export type WecomPrincipal = { corpId: string; kind: 'agent'; agentId: number } | { corpId: string; kind: 'contact' } | { corpId: string; kind: 'msgaudit' };

export type WecomTokenGrant =
  | { ok: true; accessToken: string; expiresIn: number; principal: WecomPrincipal }
  | { ok: false; errcode: 40001 | 40013 | 41002 | 41004 };

export type WecomTokenCheck = { errcode: 0; principal: WecomPrincipal } | { errcode: 40014 | 41001 | 42001 };

interface Issued {
  value: string;
  principal: WecomPrincipal;
  expiresAt: number;
}

/** Issues and checks tokens for a set of corps. */
export class WecomTokenStore {
  private readonly corps = new Map<string, SimulatedCorp>();
  private readonly current = new Map<string, Issued>();
  private readonly tokens = new Map<string, Issued>();

  constructor(
    corps: readonly SimulatedCorp[],
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly ttlSeconds = 7200,
  ) {
    for (const corp of corps) this.corps.set(corp.corpId, corp);
  }

  /** `GET /cgi-bin/gettoken`: 41002 no corpid, 40013 unknown corp, 41004 no secret, 40001 wrong secret. */
  issue(corpId: string | undefined, secret: string | undefined): WecomTokenGrant {
    if (!corpId) return { ok: false, errcode: 41002 };
    const corp = this.corps.get(corpId);
    if (!corp) return { ok: false, errcode: 40013 };
    if (!secret) return { ok: false, errcode: 41004 };
    const principal = principalOf(corp, secret);
    if (!principal) return { ok: false, errcode: 40001 };
    const now = this.clock.now();
    const key = `${corpId}\u0000${secret}`;
    let issued = this.current.get(key);
    if (!issued || issued.expiresAt <= now) {
      issued = { value: this.mint(), principal, expiresAt: now + this.ttlSeconds * 1000 };
      this.current.set(key, issued);
      this.tokens.set(issued.value, issued);
    }
    return { ok: true, accessToken: issued.value, expiresIn: Math.floor((issued.expiresAt - now) / 1000), principal };
  }

  /** Check a token presented on an API call: 41001 missing, 40014 unknown, 42001 expired. */
  check(token: string | undefined): WecomTokenCheck {
    if (!token) return { errcode: 41001 };
    const issued = this.tokens.get(token);
    if (!issued) return { errcode: 40014 };
    return this.clock.now() < issued.expiresAt ? { errcode: 0, principal: issued.principal } : { errcode: 42001 };
  }

  /** Real tokens are long base64url strings; 214 characters is what WeCom hands out today. */
  private mint(): string {
    for (;;) {
      const value = randomBase64Url(this.rng, 214);
      if (!this.tokens.has(value)) return value;
    }
  }
}

function principalOf(corp: SimulatedCorp, secret: string): WecomPrincipal | undefined {
  if (secret === corp.contactSecret) return { corpId: corp.corpId, kind: 'contact' };
  if (secret === corp.msgauditSecret) return { corpId: corp.corpId, kind: 'msgaudit' };
  const agent = corp.agents.find((a) => a.secret === secret);
  return agent && { corpId: corp.corpId, kind: 'agent', agentId: agent.agentId };
}
