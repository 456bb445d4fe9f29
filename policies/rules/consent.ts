/**
 * PIPL consent: kinds listed by a consent rule need the listed purposes
 * granted by every recipient. Withdrawn, missing, stale and unknown consent each
 * take the rule's configured action; the strongest one decides. Counts,
 * never recipient ids, go into the detail.
 */
import type { ConsentState } from '../context';
import { consentOf } from '../context';
import { recipientIds } from '../scope';
import type { Rule } from './types';

const NOT_GRANTED = ['withdrawn', 'missing', 'stale', 'unknown'] as const satisfies readonly ConsentState[];

/** One finding per consent state that some recipient is in, for each consent rule covering the kind. */
export const checkConsent: Rule = (ev) => {
  const { message, consent } = ev.ctx;
  let ids: string[] | undefined;
  for (const rule of ev.prepared.consent) {
    if (!rule.scope.has(message.kind)) continue;
    ids ??= recipientIds(message);
    const tally: Record<(typeof NOT_GRANTED)[number], string[]> = { withdrawn: [], missing: [], stale: [], unknown: [] };
    for (const purpose of rule.purposes) {
      const counts = { withdrawn: 0, missing: 0, stale: 0, unknown: 0 };
      for (const id of ids) {
        const state = consentOf(consent, id, purpose);
        if (state !== 'granted') counts[state]++;
      }
      for (const state of NOT_GRANTED) if (counts[state] > 0) tally[state].push(`${purpose} ${counts[state]} of ${ids.length}`);
    }
    const action = { withdrawn: rule.onWithdrawn, missing: rule.onMissing, stale: rule.onStale, unknown: rule.onUnknown };
    for (const state of NOT_GRANTED) {
      if (tally[state].length === 0 || action[state] === 'ignore') continue;
      ev.findings.push({ code: `consent.${state}`, rule: rule.id, detail: tally[state].join(', '), effect: action[state], errcode: rule.errcode });
    }
  }
};
