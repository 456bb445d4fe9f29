/**
 * Disclaimers: append a configured text to a configured string of the body
 * (after any masking of the same string). Skipped when the body has no
 * string at the path (a template without that data field, a media message)
 * and when the string already ends with the text, so re-evaluating a
 * message, e.g. after an approval, does not append it twice.
 */
import { getAtPointer } from '../json-pointer';
import type { Rule } from './types';

/** Rewrites and a transform.disclaimer finding for each disclaimer that applies. */
export const applyDisclaimers: Rule = (ev) => {
  const { message } = ev.ctx;
  for (const d of ev.prepared.disclaimers) {
    if (!d.scope.has(message.kind) || !d.msgtypeMatch(message.msgtype)) continue;
    const current = ev.rewrites.get(d.path) ?? getAtPointer(message.body, d.path);
    if (typeof current !== 'string' || current.endsWith(d.text)) continue;
    ev.rewrites.set(d.path, current.length === 0 ? d.text : current + d.separator + d.text);
    ev.findings.push({ code: 'transform.disclaimer', rule: d.id, detail: `appended at ${d.path}`, effect: 'transform' });
  }
};
