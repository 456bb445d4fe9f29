/**
 * The `contentLibrary` section of the gateway configuration: the
 * pre-approved content library (issue 6 item 6) and the WeCom sidebar page
 * RMs send its items from.
 *
 * ```yaml
 * contentLibrary:
 *   twoPersonRule: true            # the submitter of an item can never approve it
 *   maxImageBytes: 2097152
 *   sidebar:
 *     publicBaseUrl: https://wecom.bank.example   # default: consent.publicBaseUrl
 *     corps:
 *       - { corp: rm-corp, agentId: 1000002 }      # the self-built app whose chat-toolbar page it is
 * ```
 */
import { z } from 'zod';

const MB = 1024 * 1024;

/** One corp whose RMs get the sidebar, and the self-built app (agent) the page is configured on. */
const sidebarCorpSchema = z.strictObject({
  /** The corp's configuration id (corps[].id). */
  corp: z.string().min(1),
  /** The app's AgentId: wx.agentConfig is signed with this app's jsapi ticket; OAuth and media uploads use its token. */
  agentId: z.number().int().min(1),
});

export const contentLibraryConfigSchema = z.strictObject({
  /** Two-person rule: the compliance officer who submitted an item cannot approve it (self-approval is refused with 403). */
  twoPersonRule: z.boolean().default(true),
  /** Largest image item (WeCom takes images up to 10 MB; the sidebar uploads it for each send session). */
  maxImageBytes: z.number().int().min(1024).max(10 * MB).default(2 * MB),
  /** Largest text item in UTF-8 bytes (WeCom's chat text limit is well above bank marketing copy). */
  maxTextBytes: z.number().int().min(16).max(16_384).default(4000),
  /** How often the in-memory fingerprint filter of the matcher is reloaded from the database (other replicas' changes). */
  filterRefreshMs: z.number().int().min(100).max(600_000).default(5000),
  sidebar: z.strictObject({
    /** The origin (and path prefix) RMs' WeCom clients reach the gateway on: the app's trusted domain. Default: consent.publicBaseUrl. */
    publicBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** WeCom's web authorization page (the simulator's in tests). */
    oauthAuthorizeUrl: z.url({ protocol: /^https?$/ }).default('https://open.weixin.qq.com/connect/oauth2/authorize'),
    /** Tencent's JS-SDK scripts the page loads (production: res.wx.qq.com). */
    jweixinUrl: z.url({ protocol: /^https$/ }).default('https://res.wx.qq.com/open/js/jweixin-1.2.0.js'),
    jwxworkUrl: z.url({ protocol: /^https$/ }).default('https://open.work.weixin.qq.com/wwopen/js/jwxwork-1.0.0.js'),
    /** Lifetime of the sidebar session opened after OAuth. */
    sessionTtlSeconds: z.number().int().min(60).max(28_800).default(3600),
    /** Lifetime of an OAuth state (single use). */
    oauthStateTtlSeconds: z.number().int().min(60).max(3600).default(600),
    corps: z.array(sidebarCorpSchema).default([]),
  }).prefault({}),
}).prefault({});

/** Parsed `contentLibrary`. */
export type ContentLibraryConfig = z.infer<typeof contentLibraryConfigSchema>;

/** Cross-field problems: every sidebar corp must be configured, with the agent among its apps. */
export function contentLibraryCrossFieldProblems(config: { contentLibrary?: ContentLibraryConfig; corps: readonly { id: string; agents: readonly { agentId: number }[] }[] }): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  // Also called on a tree that failed the schema (load-config.ts bestEffortCrossField): absent means nothing to check.
  const entries = Array.isArray(config.contentLibrary?.sidebar?.corps) ? config.contentLibrary.sidebar.corps : [];
  entries.forEach((entry, i) => {
    const where = `contentLibrary.sidebar.corps.${i}`;
    if (seen.has(entry.corp)) problems.push(`${where}.corp: "${entry.corp}" is listed twice`);
    seen.add(entry.corp);
    const corp = config.corps.find((c) => c.id === entry.corp);
    if (!corp) problems.push(`${where}.corp: no corp "${entry.corp}"`);
    else if (!corp.agents.some((a) => a.agentId === entry.agentId)) problems.push(`${where}.agentId: corp "${entry.corp}" has no agent ${entry.agentId} (add it with its secret under corps[].agents)`);
  });
  return problems;
}
