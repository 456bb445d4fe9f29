/** Binding: kinds listed by a binding rule may only go to recipients bound to a bank customer (e.g. account notices). */
import { bindingOf } from '../context';
import { recipientIds } from '../scope';
import type { Rule } from './types';

/** A finding for unbound and for unknown recipients, with the rule's configured actions. */
export const checkBinding: Rule = (ev) => {
  const { message, binding } = ev.ctx;
  for (const rule of ev.prepared.binding) {
    if (!rule.scope.has(message.kind)) continue;
    const ids = recipientIds(message);
    let unbound = 0;
    let unknown = 0;
    for (const id of ids) {
      const state = bindingOf(binding, id);
      if (state === 'unbound') unbound++;
      else if (state === 'unknown') unknown++;
    }
    if (unbound > 0) ev.findings.push({ code: 'binding.absent', rule: rule.id, detail: `${unbound} of ${ids.length} recipient(s) unbound`, effect: rule.onAbsent, errcode: rule.errcode });
    if (unknown > 0) ev.findings.push({ code: 'binding.unknown', rule: rule.id, detail: `${unknown} of ${ids.length} recipient(s) unknown`, effect: rule.onUnknown, errcode: rule.errcode });
  }
};
