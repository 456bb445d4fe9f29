/** Checks that span several fields of a schema-valid policy; each problem names its path. */
import type { Policy } from './schema';
import { normaliseText } from './text/normalise';

/** Every cross-field problem in a schema-valid policy. */
export function policyProblems(policy: Policy): string[] {
  const problems: string[] = [];
  const ruleIds = new Map<string, string>();
  const noteRule = (id: string, path: string): void => {
    const first = ruleIds.get(id);
    if (first) problems.push(`${path}: rule id "${id}" is already used at ${first}; reasons name rules, so ids must be unique`);
    else ruleIds.set(id, path);
  };
  policy.consent.forEach((r, i) => noteRule(r.id, `consent.${i}.id`));
  policy.binding.forEach((r, i) => noteRule(r.id, `binding.${i}.id`));
  if (policy.window) {
    noteRule(policy.window.id, 'window.id');
    if (policy.window.kinds.includes('oa.reply') || policy.window.kinds.includes('*')) {
      problems.push('window.kinds: a passive reply (oa.reply) answers inside the callback and has no customer-service window; list the windowed kinds (usually oa.custom)');
    }
  }
  policy.quotas.forEach((q, i) => {
    noteRule(q.id, `quotas.${i}.id`);
    if (q.perDay === undefined && q.perMinute === undefined) problems.push(`quotas.${i}: set perDay, perMinute or both`);
  });
  policy.lexicons.forEach((l, i) => noteRule(l.id, `lexicons.${i}.id`));
  if (policy.pii) noteRule(policy.pii.id, 'pii.id');
  if (policy.finra2210) noteRule(policy.finra2210.id, 'finra2210.id');
  policy.approval.routes.forEach((r, i) => {
    noteRule(r.id, `approval.routes.${i}.id`);
    if (Object.values(r.when).every((v) => v === undefined)) problems.push(`approval.routes.${i}.when: give at least one condition (a route that matches everything holds every message)`);
  });
  policy.disclaimers.forEach((d, i) => noteRule(d.id, `disclaimers.${i}.id`));
  if (policy.supervision) {
    policy.supervision.lexicons.forEach((r, i) => noteRule(r.id, `supervision.lexicons.${i}.id`));
    policy.supervision.pii.forEach((r, i) => noteRule(r.id, `supervision.pii.${i}.id`));
    problems.push(...supervisionProblems(policy));
  }
  problems.push(...termProblems(policy));
  return problems;
}

function termProblems(policy: Policy): string[] {
  const problems: string[] = [];
  const termIds = new Map<string, string>();
  policy.lexicons.forEach((lexicon, i) => {
    lexicon.terms.forEach((term, j) => {
      const path = `lexicons.${i}.terms.${j}`;
      const first = termIds.get(term.id);
      if (first) problems.push(`${path}.id: term id "${term.id}" is already used at ${first}`);
      else termIds.set(term.id, path);
      const normal = normaliseText(term.text);
      if (normal.length === 0) {
        problems.push(`${path}.text: normalises to nothing (only spaces, punctuation or symbols), so it could never match`);
        return;
      }
      term.except.forEach((phrase, k) => {
        const except = normaliseText(phrase);
        if (except.length <= normal.length || !except.includes(normal)) {
          problems.push(`${path}.except.${k}: an exception must be a longer phrase containing the term (after normalisation), or it can never suppress a hit`);
        }
      });
    });
  });
  return problems;
}

/** A supervision rule must name lexicons that exist and categories they have, or it could never fire. */
function supervisionProblems(policy: Policy): string[] {
  const supervision = policy.supervision!;
  const problems: string[] = [];
  if (supervision.lexicons.length === 0 && supervision.pii.length === 0) problems.push('supervision: give at least one rule in lexicons or pii (or remove the section)');
  const lexicons = new Map(policy.lexicons.map((l) => [l.id, l]));
  supervision.lexicons.forEach((rule, i) => {
    const categories = new Set<string>();
    rule.lexicons.forEach((id, j) => {
      const lexicon = lexicons.get(id);
      if (!lexicon) problems.push(`supervision.lexicons.${i}.lexicons.${j}: no lexicon "${id}" in lexicons`);
      else for (const term of lexicon.terms) categories.add(term.category);
    });
    if (!rule.lexicons.every((id) => lexicons.has(id))) return;
    rule.categories?.forEach((c, k) => {
      if (!categories.has(c)) problems.push(`supervision.lexicons.${i}.categories.${k}: no term of the named lexicons has category "${c}", so it could never match`);
    });
    const matching = rule.lexicons.flatMap((id) => lexicons.get(id)!.terms).filter((t) => (!rule.categories || rule.categories.includes(t.category)) && (!rule.actions || rule.actions.includes(t.action)));
    if (matching.length === 0 && rule.categories?.every((c) => categories.has(c)) !== false) problems.push(`supervision.lexicons.${i}: no term of the named lexicons has the categories and actions given, so the rule could never match`);
  });
  return problems;
}
