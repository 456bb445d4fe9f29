/**
 * Builds the PolicyContext of one case from its file's defaults and the
 * case's own keys (the case wins, key by key; `message` merges field by
 * field). Shorthands are documented in case-schema.ts. Test support shared
 * by jest and the CLI: never used by the gateway.
 */
import type { OutboundKind, OutboundMessage, OutboundRecipient, OutboundText } from '../../connectors/canonical/outbound-message';
import type { ConsentView, PolicyContext, WindowAction, WindowView } from '../context';
import { parseDuration } from '../schema';
import type { CaseDefaults, CaseEntry, CaseTime } from './case-schema';

/** 2025-06-01 10:00 in Shanghai: the `now` of a case that gives none. */
export const DEFAULT_NOW = Date.parse('2025-06-01T10:00:00+08:00');

/** The PolicyContext the case describes. */
export function caseContext(entry: CaseEntry, defaults: CaseDefaults = {}, index = 0): PolicyContext {
  const now = resolveTime(entry.now ?? defaults.now ?? DEFAULT_NOW, DEFAULT_NOW);
  const message = buildMessage({ ...defaults.message, ...entry.message }, index, now);
  const ids = [...new Set(message.recipients.map((r) => r.id))];
  const windowSpec = entry.window ?? defaults.window;
  return {
    message,
    now,
    consent: { recipients: expandStar(entry.consent ?? defaults.consent ?? {}, ids) } as ConsentView,
    binding: { recipients: expandStar(entry.binding ?? defaults.binding ?? {}, ids) },
    window: windowSpec === 'unknown' ? undefined : buildWindow(windowSpec, message, now),
    usage: { appSentToday: 0, appSentThisMinute: 0, sameContentRetailRecipients: 0, ...defaults.usage, ...entry.usage },
    requester: { appId: message.appId, ...defaults.requester, ...entry.requester },
  };
}

/** ISO text, epoch ms, or an offset (`-47h`) from `now`. */
export function resolveTime(time: CaseTime, now: number): number {
  if (typeof time === 'number') return time;
  if (time.startsWith('+') || time.startsWith('-')) return now + (time.startsWith('-') ? -1 : 1) * parseDuration(time.slice(1));
  return Date.parse(time);
}

type MessageSpec = NonNullable<CaseEntry['message']>;

function buildMessage(spec: MessageSpec, index: number, now: number): OutboundMessage {
  const kind: OutboundKind = spec.kind ?? 'oa.custom';
  const recipients = buildRecipients(spec.recipients ?? 1, kind);
  const msgtype = spec.msgtype ?? (spec.body && typeof spec.body.msgtype === 'string' ? spec.body.msgtype : 'text');
  let body = spec.body;
  let texts = spec.texts;
  if (spec.text !== undefined) {
    body ??= { touser: recipients[0]!.id, msgtype: 'text', text: { content: spec.text } };
    texts ??= [{ path: '/text/content', text: spec.text }];
  }
  body ??= { touser: recipients[0]!.id, msgtype: 'text', text: { content: 'hello' } };
  texts ??= textsOf(body, msgtype);
  return {
    id: spec.id ?? `case-${index + 1}`,
    kind,
    product: kind.startsWith('wecom.') ? 'wecom' : 'oa',
    accountId: spec.accountId ?? 'retail-oa',
    appId: spec.appId ?? 'crm',
    msgtype,
    recipients,
    texts,
    body,
    contentHash: spec.contentHash ?? 'case-content',
    submittedAt: now,
  };
}

function buildRecipients(spec: NonNullable<MessageSpec['recipients']>, kind: OutboundKind): OutboundRecipient[] {
  const type: OutboundRecipient['type'] = kind === 'wecom.app' ? 'userid' : kind.startsWith('wecom.') ? 'external_userid' : 'openid';
  if (typeof spec === 'number') return Array.from({ length: spec }, (_, i) => ({ type, id: `o-${i + 1}` }));
  return spec.map((r) => (typeof r === 'string' ? { type, id: r } : r));
}

/** Every string leaf under the msgtype's payload (`/text/content`, `/news/articles/0/title`) or a template's `/data`. */
function textsOf(body: Record<string, unknown>, msgtype: string): OutboundText[] {
  const root = msgtype === 'template' ? 'data' : msgtype;
  const out: OutboundText[] = [];
  const walk = (node: unknown, path: string): void => {
    if (typeof node === 'string') out.push({ path, text: node });
    else if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${path}/${i}`));
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
  };
  walk(body[root], `/${root}`);
  return out;
}

function expandStar<T>(view: Record<string, T>, ids: string[]): Record<string, T> {
  const out: Record<string, T> = {};
  const star = view['*'];
  if (star !== undefined) for (const id of ids) out[id] = star;
  for (const [k, v] of Object.entries(view)) if (k !== '*') out[k] = v;
  return out;
}

/** Without a window in the case, every openid had written 1 hour ago (an open window), so cases about other rules need not say so. */
function buildWindow(spec: Exclude<CaseEntry['window'], 'unknown'>, message: OutboundMessage, now: number): WindowView {
  if (spec === undefined) {
    const open: WindowAction[] = [{ trigger: 'message', at: now - 3_600_000, sentSince: 0 }];
    return { recipients: Object.fromEntries(message.recipients.map((r) => [r.id, open])) };
  }
  const resolved: Record<string, WindowAction[]> = {};
  for (const [id, actions] of Object.entries(spec)) resolved[id] = actions.map((a) => ({ trigger: a.trigger, at: resolveTime(a.at, now), sentSince: a.sentSince }));
  return { recipients: expandStar(resolved, message.recipients.map((r) => r.id)) };
}
