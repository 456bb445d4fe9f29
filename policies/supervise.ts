/**
 * supervise: post-send supervision of one captured message (a WeCom
 * chat-archive message an RM or a customer sent). Pure, like evaluate: the
 * result depends only on the prepared policy and the message (and `now`,
 * which bounds resident-id birth dates). It reuses the policy's lexicon
 * automaton and the PII detectors the outbound rules use, but decides
 * nothing about delivery (the message was sent already): it says which
 * supervision rules found what, and how severe that is, so the gateway can
 * open an alert for a reviewer.
 *
 * Findings name rules, term ids, categories, detectors, text paths and
 * counts; never the matched text or anything else of the message.
 */
import type { PiiDetector } from '../connectors/canonical/decision';
import { detectPii } from './pii/detect';
import type { PreparedPolicy } from './prepare';
import { SUPERVISION_SEVERITIES, type SupervisionSender, type SupervisionSeverity } from './schema';
import { scanText } from './text/lexicon-matcher';

/** Finding codes: a closed set, also the kinds of the alerts they open (docs/decisions/0007-supervision.md). */
export const SUPERVISION_CODES = {
  'supervision.lexicon': 'A captured message contains terms of a lexicon a supervision rule watches',
  'supervision.pii': 'A captured message contains personal data a supervision rule watches',
  'supervision.recall': 'The sender recalled a captured message that had supervision findings',
} as const;
export type SupervisionCode = keyof typeof SUPERVISION_CODES;

/** One text of a captured message: where in the message (`text.content`, `mixed.items[0].content`) and the text. */
export interface CapturedText {
  path: string;
  text: string;
}

/** What supervision looks at: who sent it, its WeCom msgtype, and its texts. */
export interface CapturedMessage {
  sender: SupervisionSender;
  msgtype: string;
  texts: readonly CapturedText[];
}

/** A term or detector that matched, at one path. */
export interface SupervisionHit {
  source: 'lexicon' | 'pii';
  /** Term id (lexicon) or detector (pii). */
  id: string;
  /** Term category (lexicon only). */
  category?: string;
  path: string;
  count: number;
}

/** One supervision rule that fired. */
export interface SupervisionFinding {
  code: Exclude<SupervisionCode, 'supervision.recall'>;
  rule: string;
  severity: SupervisionSeverity;
  hits: SupervisionHit[];
}

export interface SupervisionResult {
  policyVersion: string;
  /** Rules whose sender and msgtype scope covered the message (whether or not they fired), in policy order. */
  applied: string[];
  /** Lexicon rules first, then PII rules, each in policy order. */
  findings: SupervisionFinding[];
  /** The highest severity of any finding; null when nothing fired. */
  severity: SupervisionSeverity | null;
}

/** The supervision result for `message` under `prepared` (no findings when the policy has no supervision section). */
export function supervise(prepared: PreparedPolicy, message: CapturedMessage, now: number): SupervisionResult {
  const result: SupervisionResult = { policyVersion: prepared.version, applied: [], findings: [], severity: null };
  const supervision = prepared.supervision;
  if (!supervision) return result;
  const inScope = (rule: { senders: ReadonlySet<SupervisionSender>; msgtypes: (m: string) => boolean }) => rule.senders.has(message.sender) && rule.msgtypes(message.msgtype);
  const lexiconRules = supervision.lexicon.filter(inScope);
  const piiRules = supervision.pii.filter(inScope);
  result.applied = [...lexiconRules, ...piiRules].map((r) => r.id);
  if (message.texts.length === 0) return result;

  const lexicon = prepared.lexicon;
  if (lexicon && lexiconRules.length > 0) {
    const byRule = new Map<number, SupervisionHit[]>();
    for (const text of message.texts) {
      for (const { term, count } of scanText(lexicon.matcher, text.text)) {
        const t = lexicon.terms[term]!;
        lexiconRules.forEach((rule, r) => {
          if (!rule.terms.has(term)) return;
          const hits = byRule.get(r) ?? [];
          hits.push({ source: 'lexicon', id: t.id, category: t.category, path: text.path, count });
          byRule.set(r, hits);
        });
      }
    }
    lexiconRules.forEach((rule, r) => {
      const hits = byRule.get(r);
      if (hits) result.findings.push({ code: 'supervision.lexicon', rule: rule.id, severity: rule.severity, hits });
    });
  }

  if (piiRules.length > 0) {
    const hits: SupervisionHit[] = [];
    for (const text of message.texts) {
      const counts = new Map<PiiDetector, number>();
      for (const m of detectPii(text.text, supervision.detectors, now)) counts.set(m.detector, (counts.get(m.detector) ?? 0) + 1);
      for (const [detector, count] of counts) hits.push({ source: 'pii', id: detector, path: text.path, count });
    }
    for (const rule of piiRules) {
      const mine = hits.filter((h) => rule.detectors.has(h.id as PiiDetector));
      const total = mine.reduce((n, h) => n + h.count, 0);
      if (mine.length > 0 && total >= rule.minCount) result.findings.push({ code: 'supervision.pii', rule: rule.id, severity: rule.severity, hits: mine });
    }
  }
  result.severity = highestSeverity(result.findings.map((f) => f.severity));
  return result;
}

/** The highest of `severities` (info < warning < critical); null for none. */
export function highestSeverity(severities: readonly SupervisionSeverity[]): SupervisionSeverity | null {
  let best = -1;
  for (const s of severities) best = Math.max(best, SUPERVISION_SEVERITIES.indexOf(s));
  return best < 0 ? null : SUPERVISION_SEVERITIES[best]!;
}

/**
 * A one-line summary of findings for an alert: codes, rule ids, severities,
 * term ids / detectors and counts (summed over paths), e.g.
 * `supervision.lexicon rm-guarantees (critical): guarantee-principal ×2, sure-profit ×1; supervision.pii rm-identity (critical): prcResidentId ×1`.
 */
export function summariseFindings(findings: readonly SupervisionFinding[]): string {
  return findings
    .map((f) => {
      const counts = new Map<string, number>();
      for (const h of f.hits) counts.set(h.id, (counts.get(h.id) ?? 0) + h.count);
      return `${f.code} ${f.rule} (${f.severity}): ${[...counts].map(([id, n]) => `${id} ×${n}`).join(', ')}`;
    })
    .join('; ');
}
