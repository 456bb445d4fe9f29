/**
 * The supervision section, prepared once per policy: each rule's scope as
 * sets, each lexicon rule's terms as indices into the policy's one lexicon
 * automaton (prepare.ts compiles it; supervision never builds its own), and
 * the union of PII detectors to run.
 */
import type { PiiDetector } from '../connectors/canonical/decision';
import { PII_DETECTORS } from '../connectors/canonical/decision';
import type { EnabledDetectors } from './pii/detect';
import type { PreparedLexicon } from './prepare';
import type { Policy, SupervisionSender, SupervisionSeverity } from './schema';
import { nameScope } from './scope';

interface PreparedScope {
  id: string;
  severity: SupervisionSeverity;
  senders: ReadonlySet<SupervisionSender>;
  msgtypes: (msgtype: string | undefined) => boolean;
}

export interface PreparedSupervisionLexiconRule extends PreparedScope {
  /** Indices into PreparedLexicon.terms that count for this rule. */
  terms: ReadonlySet<number>;
}

export interface PreparedSupervisionPiiRule extends PreparedScope {
  detectors: ReadonlySet<PiiDetector>;
  minCount: number;
}

export interface PreparedSupervision {
  lexicon: readonly PreparedSupervisionLexiconRule[];
  pii: readonly PreparedSupervisionPiiRule[];
  /** Detectors any PII rule uses (the others are not run). */
  detectors: EnabledDetectors;
  recallSeverity: SupervisionSeverity | 'inherit';
}

/** The prepared supervision section, or undefined when the policy has none. `lexicon` is the policy's prepared lexicon (cross-field checks guarantee the named lexicons exist). */
export function prepareSupervision(policy: Policy, lexicon: PreparedLexicon | undefined): PreparedSupervision | undefined {
  const section = policy.supervision;
  if (!section) return undefined;
  const scope = (rule: { id: string; severity: SupervisionSeverity; senders?: readonly SupervisionSender[]; msgtypes?: readonly string[] }): PreparedScope => ({
    id: rule.id,
    severity: rule.severity,
    senders: new Set(rule.senders ?? section.senders),
    msgtypes: nameScope(rule.msgtypes ?? section.msgtypes),
  });
  const lexiconRules = section.lexicons.map((rule): PreparedSupervisionLexiconRule => {
    const lexiconIndex = new Set(rule.lexicons.map((id) => policy.lexicons.findIndex((l) => l.id === id)));
    const categories = rule.categories && new Set(rule.categories);
    const actions = rule.actions && new Set(rule.actions);
    const terms = new Set<number>();
    lexicon?.terms.forEach((term, i) => {
      if (lexiconIndex.has(term.rule) && (!categories || categories.has(term.category)) && (!actions || actions.has(term.action))) terms.add(i);
    });
    return { ...scope(rule), terms };
  });
  const piiRules = section.pii.map((rule): PreparedSupervisionPiiRule => ({ ...scope(rule), detectors: new Set(rule.detectors), minCount: rule.minCount }));
  const used = new Set(piiRules.flatMap((r) => [...r.detectors]));
  return {
    lexicon: lexiconRules,
    pii: piiRules,
    detectors: Object.fromEntries(PII_DETECTORS.map((d) => [d, used.has(d)])) as Record<PiiDetector, boolean>,
    recallSeverity: section.recall.severity,
  };
}
