/**
 * Content lexicon: every text of the message is scanned once against all
 * lexicons (one automaton); a hit counts for a lexicon only when that
 * lexicon covers the message kind. One finding per lexicon and action,
 * naming term ids, categories and paths, never the text.
 */
import type { ReasonCode } from '../../connectors/canonical/decision';
import { scanText } from '../text/lexicon-matcher';
import type { Effect, Rule } from './types';

const BY_ACTION = {
  deny: { code: 'lexicon.blocked', effect: 'deny' },
  hold: { code: 'lexicon.held', effect: 'hold' },
  flag: { code: 'lexicon.flagged', effect: 'flag' },
} as const satisfies Record<string, { code: ReasonCode; effect: Effect }>;

/** Findings for lexicon terms found in the message's texts. */
export const checkLexicon: Rule = (ev) => {
  const lexicon = ev.prepared.lexicon;
  const { message } = ev.ctx;
  if (!lexicon || !lexicon.kinds.has(message.kind)) return;
  // rule index → action → "term (category) at path" entries, in first-seen order.
  let grouped: Map<number, Map<keyof typeof BY_ACTION, string[]>> | undefined;
  for (const text of message.texts) {
    for (const { term, count } of scanText(lexicon.matcher, text.text)) {
      const t = lexicon.terms[term]!;
      const rule = lexicon.rules[t.rule]!;
      if (!rule.kinds.has(message.kind)) continue;
      ev.hits.push({ rule: rule.id, source: 'lexicon', id: t.id, category: t.category, path: text.path, count });
      grouped ??= new Map();
      let byAction = grouped.get(t.rule);
      if (!byAction) grouped.set(t.rule, (byAction = new Map()));
      const entries = byAction.get(t.action) ?? [];
      entries.push(`${t.id} (${t.category}) at ${text.path}`);
      byAction.set(t.action, entries);
    }
  }
  if (!grouped) return;
  for (const [ruleIndex, byAction] of [...grouped].sort((a, b) => a[0] - b[0])) {
    const rule = lexicon.rules[ruleIndex]!;
    for (const action of ['deny', 'hold', 'flag'] as const) {
      const entries = byAction.get(action);
      if (entries) ev.findings.push({ code: BY_ACTION[action].code, rule: rule.id, detail: entries.join('; '), effect: BY_ACTION[action].effect, errcode: rule.errcode });
    }
  }
};
