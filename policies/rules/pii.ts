/**
 * PII detectors over every text of the message. Each detector's action:
 * flag (pii.detected), mask (pii.masked: the body carries the masked text,
 * see pii/mask.ts), hold (pii.held) or deny (pii.blocked). Details name
 * detectors, counts and paths, never the data.
 */
import type { PiiDetector, ReasonCode } from '../../connectors/canonical/decision';
import { getAtPointer } from '../json-pointer';
import { detectPii, type PiiMatch } from '../pii/detect';
import { maskMatches } from '../pii/mask';
import type { PiiAction } from '../schema';
import type { Effect, Rule } from './types';

const BY_ACTION: Readonly<Record<Exclude<PiiAction, 'off'>, { code: ReasonCode; effect: Effect }>> = {
  deny: { code: 'pii.blocked', effect: 'deny' },
  hold: { code: 'pii.held', effect: 'hold' },
  mask: { code: 'pii.masked', effect: 'transform' },
  flag: { code: 'pii.detected', effect: 'flag' },
};
const ORDER = ['deny', 'hold', 'mask', 'flag'] as const;

/** Findings, hits and mask rewrites for personal data in the message's texts. */
export const checkPii: Rule = (ev) => {
  const pii = ev.prepared.pii;
  const { message, now } = ev.ctx;
  if (!pii || !pii.kinds.has(message.kind)) return;
  const details = new Map<Exclude<PiiAction, 'off'>, string[]>();
  for (const text of message.texts) {
    const matches = detectPii(text.text, pii.enabled, now);
    if (matches.length === 0) continue;
    const toMask: PiiMatch[] = matches.filter((m) => pii.actions[m.detector] === 'mask');
    // A text the classifier pointed at something other than a string cannot be masked: fail closed.
    const maskable = toMask.length === 0 || typeof getAtPointer(message.body, text.path) === 'string';
    if (!maskable) ev.findings.push({ code: 'transform.failed', rule: pii.id, detail: `mask: ${text.path} is not a string in the body`, effect: 'deny', errcode: pii.errcode });
    else if (toMask.length > 0) ev.rewrites.set(text.path, maskMatches(text.text, toMask));
    const counts = new Map<PiiDetector, number>();
    for (const m of matches) counts.set(m.detector, (counts.get(m.detector) ?? 0) + 1);
    for (const [detector, count] of counts) {
      const action = pii.actions[detector] as Exclude<PiiAction, 'off'>;
      ev.hits.push({ rule: pii.id, source: 'pii', id: detector, path: text.path, count });
      if (action === 'mask' && !maskable) continue;
      const entries = details.get(action) ?? [];
      entries.push(`${detector} ×${count} at ${text.path}`);
      details.set(action, entries);
      if (action === 'mask') ev.masked.push({ path: text.path, detector, count });
    }
  }
  for (const action of ORDER) {
    const entries = details.get(action);
    if (entries) ev.findings.push({ code: BY_ACTION[action].code, rule: pii.id, detail: entries.join('; '), effect: BY_ACTION[action].effect, errcode: pii.errcode });
  }
};
