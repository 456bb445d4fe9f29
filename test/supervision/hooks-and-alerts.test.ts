/** Composing msgaudit hooks (consent + supervision), and the alert rows supervision builds. */
import path from 'node:path';
import type { MsgauditEvent } from '../../connectors/canonical/msgaudit-event';
import { loadPolicyFile } from '../../policies/load-policy';
import { preparePolicy } from '../../policies/prepare';
import { supervise } from '../../policies/supervise';
import type { EffectTransaction } from '../../gateway/archive/types';
import { combineHooks, type MsgauditEventHooks } from '../../gateway/msgaudit/archive-entries';
import { alertKindOf, messageAlert, messageAlertKey, recallAlert, recallAlertKey } from '../../gateway/supervision/supervision-alerts';

const event = { msgid: 'm-1' } as MsgauditEvent;
const tx = {} as EffectTransaction;

describe('combineHooks', () => {
  it('runs every module’s effects in order, in the one transaction, and skips modules with none', async () => {
    const calls: string[] = [];
    const effect = (name: string): MsgauditEventHooks => ({ effects: () => async (_tx, recordId) => void calls.push(`${name}:${recordId}`) });
    const combined = combineHooks(effect('consent'), undefined, { effects: () => undefined }, effect('supervision'));
    await combined.effects!('corp', event)!(tx, 'r-1');
    expect(calls).toEqual(['consent:r-1', 'supervision:r-1']);
  });

  it('returns no effects when no module has any, and a module’s own when only it has', () => {
    const only = async () => undefined;
    expect(combineHooks({ effects: () => undefined }, {}).effects!('corp', event)).toBeUndefined();
    expect(combineHooks({ effects: () => undefined }, { effects: () => only }).effects!('corp', event)).toBe(only);
  });

  it('stops at an effect that throws, so the transaction rolls back', async () => {
    const calls: string[] = [];
    const combined = combineHooks({ effects: () => async () => { throw new Error('database down'); } }, { effects: () => async () => void calls.push('second') });
    await expect(combined.effects!('corp', event)!(tx, 'r-1')).rejects.toThrow('database down');
    expect(calls).toEqual([]);
  });

  it('shows every module each committed batch, even after one threw, then rethrows the first error', () => {
    const seen: string[] = [];
    const combined = combineHooks(
      { afterCommit: () => { throw new Error('first'); } },
      { afterCommit: (accountId, events) => void seen.push(`${accountId}:${events.length}`) },
      { afterCommit: () => { throw new Error('second'); } },
    );
    expect(() => combined.afterCommit!('corp', [event, event])).toThrow('first');
    expect(seen).toEqual(['corp:2']);
  });
});

describe('supervision alert rows', () => {
  const prepared = preparePolicy(loadPolicyFile(path.join(__dirname, '..', '..', 'policies', 'default-policy.yaml')).policy);
  const now = Date.parse('2025-06-01T10:00:00+08:00');
  const result = (text: string) => supervise(prepared, { sender: 'rm', msgtype: 'text', texts: [{ path: 'text.content', text }] }, now);

  it('opens nothing for a clean message', () => {
    expect(messageAlert({ accountId: 'corp', subjectBidx: 's', recordId: 'r-1', msgtype: 'text', sender: 'rm', result: result('您好'), now })).toBeUndefined();
  });

  it('takes the kind of the most severe finding, lexicon first on a tie', () => {
    expect(alertKindOf(result('手机13800138000，最高收益'))).toBe('supervision.lexicon'); // warning and warning
    expect(alertKindOf(result('手机13800138000，限时抢购'))).toBe('supervision.pii'); // warning over info
    expect(alertKindOf(result('您好'))).toBeUndefined();
  });

  it('builds an open alert on the record, keyed by the record, codes only', () => {
    const alert = messageAlert({ accountId: 'corp', subjectBidx: 'bidx', recordId: 'r-1', msgtype: 'text', sender: 'rm', result: result('保本，身份证440301199003071230'), now })!;
    expect(alert).toMatchObject({
      kind: 'supervision.lexicon', severity: 'critical', accountId: 'corp', subjectBidx: 'bidx', recordId: 'r-1', dedupeKey: messageAlertKey('r-1'),
      status: 'open', createdAt: now, closedAt: null, closedBy: null, closeAction: null, closeRecordId: null,
    });
    expect(alert.summary).toBe(`supervision.lexicon rm-prohibited-terms (critical): guarantee-principal ×1; supervision.pii rm-identity-numbers (critical): prcResidentId ×1. text message from an RM; policy ${prepared.version.slice(0, 12)}.`);
    expect(alert.dedupeKey.length).toBeLessThanOrEqual(128);
  });

  it('builds a recall alert on the original, inheriting or overriding its severity', () => {
    const original = { recordId: 'r-1', kind: 'supervision.pii', severity: 'warning', summary: 'supervision.pii rm-phone-numbers (warning): mobile ×1.' };
    const inherited = recallAlert({ accountId: 'corp', subjectBidx: 'bidx', recallRecordId: 'r-2', original, severity: 'inherit', now });
    expect(inherited).toMatchObject({ kind: 'supervision.recall', severity: 'warning', recordId: 'r-1', dedupeKey: recallAlertKey('r-2') });
    expect(inherited.summary).toContain('(supervision.pii, warning)');
    expect(inherited.summary).toContain('mobile ×1');
    expect(recallAlert({ accountId: 'corp', subjectBidx: null, recallRecordId: 'r-2', original, severity: 'critical', now }).severity).toBe('critical');
  });
});
