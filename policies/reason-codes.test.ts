import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isReasonCode, REASON_CODES } from '../connectors/canonical/decision';
import { ROUTABLE_REASON_CODES } from './schema';

const doc = readFileSync(join(__dirname, '..', 'docs', 'policy-reason-codes.md'), 'utf8');
const documented = [...doc.matchAll(/^\| `([a-z0-9._]+)` \|/gm)].map((m) => m[1]!);

describe('policy reason code registry', () => {
  it('documents every registered reason code, and nothing else', () => {
    expect([...documented].sort()).toEqual(Object.keys(REASON_CODES).sort());
  });

  it('documents each code once', () => {
    expect(new Set(documented).size).toBe(documented.length);
  });

  it('recognises registered codes and nothing else', () => {
    expect(isReasonCode('lexicon.blocked')).toBe(true);
    expect(isReasonCode('lexicon.blocked ')).toBe(false);
    expect(isReasonCode('hasOwnProperty')).toBe(false);
  });

  it('lets routes match every code except the routing and default ones', () => {
    expect(ROUTABLE_REASON_CODES).not.toContain('approval.required');
    expect(ROUTABLE_REASON_CODES).not.toContain('policy.default_allow');
    expect(ROUTABLE_REASON_CODES).toHaveLength(Object.keys(REASON_CODES).length - 2);
  });
});
