import fc from 'fast-check';
import { compareEntries, deriveConsent, LEDGER_PURPOSES } from './derive';
import { noticeVersion, versionKey } from './notices';
import type { ConsentEntry, LedgerPurpose } from './ports';

type Entry = Pick<ConsentEntry, 'id' | 'purpose' | 'action' | 'noticeVersion' | 'language' | 'occurredAt'>;

const V1 = noticeVersion('营销信息 v1');
const V2 = noticeVersion('营销信息 v2');
const current = new Map([[versionKey('marketing', 'zh-CN'), V2], [versionKey('marketing', 'en'), noticeVersion('marketing en')]]);

const entry = fc.record({
  id: fc.uuid(),
  purpose: fc.constantFrom<LedgerPurpose>(...LEDGER_PURPOSES),
  action: fc.constantFrom<'grant' | 'withdraw'>('grant', 'withdraw'),
  noticeVersion: fc.constantFrom<string | null>(null, V1, V2),
  language: fc.constantFrom<'zh-CN' | 'en' | null>('zh-CN', 'en', null),
  // A narrow range, so equal times (ties) are common.
  occurredAt: fc.integer({ min: 1, max: 6 }),
});

function e(purpose: LedgerPurpose, action: 'grant' | 'withdraw', occurredAt: number, extra: Partial<Entry> = {}): Entry {
  return { id: `${purpose}-${action}-${occurredAt}`, purpose, action, noticeVersion: null, language: null, occurredAt, ...extra };
}

describe('deriveConsent', () => {
  it('reads missing for every purpose of a person with no entries', () => {
    const derived = deriveConsent([], current);
    for (const p of LEDGER_PURPOSES) expect(derived.purposes[p]).toEqual({ state: 'missing', since: null, noticeVersion: null });
    expect(derived.retainedForLegalObligationOnly).toBe(false);
  });

  it('gives the same state under every order the entries were appended in', () => {
    fc.assert(fc.property(fc.array(entry, { maxLength: 12 }).chain((list) => fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }))), ([list, shuffled]) => {
      expect(deriveConsent(shuffled, current)).toEqual(deriveConsent(list, current));
    }));
  });

  it('is decided per purpose by the latest entry in time (ties: withdraw wins)', () => {
    fc.assert(fc.property(fc.array(entry, { minLength: 1, maxLength: 12 }), (list) => {
      const derived = deriveConsent(list, current);
      for (const p of LEDGER_PURPOSES) {
        const mine = list.filter((x) => x.purpose === p);
        const state = derived.purposes[p].state;
        if (mine.length === 0) {
          expect(state).toBe('missing');
          continue;
        }
        const maxAt = Math.max(...mine.map((x) => x.occurredAt));
        const atMax = mine.filter((x) => x.occurredAt === maxAt);
        if (atMax.some((x) => x.action === 'withdraw')) expect(state).toBe('withdrawn');
        else expect(['granted', 'stale']).toContain(state);
      }
    }));
  });

  it('withdrawal takes effect over an earlier grant and a later grant restores it', () => {
    expect(deriveConsent([e('marketing', 'grant', 1), e('marketing', 'withdraw', 2)], current).purposes.marketing.state).toBe('withdrawn');
    expect(deriveConsent([e('marketing', 'grant', 1), e('marketing', 'withdraw', 2), e('marketing', 'grant', 3)], current).purposes.marketing).toEqual({ state: 'granted', since: 3, noticeVersion: null });
    // A late-arriving older withdrawal does not undo a newer grant.
    expect(deriveConsent([e('marketing', 'grant', 5), e('marketing', 'withdraw', 2)], current).purposes.marketing.state).toBe('granted');
  });

  it('marks a grant under a notice text that has since changed as stale, per language', () => {
    expect(deriveConsent([e('marketing', 'grant', 1, { noticeVersion: V1, language: 'zh-CN' })], current).purposes.marketing.state).toBe('stale');
    expect(deriveConsent([e('marketing', 'grant', 1, { noticeVersion: V2, language: 'zh-CN' })], current).purposes.marketing.state).toBe('granted');
    // The English notice is another text: V2 is not its current version.
    expect(deriveConsent([e('marketing', 'grant', 1, { noticeVersion: V2, language: 'en' })], current).purposes.marketing.state).toBe('stale');
    // Consent WeCom collected (no notice of ours) never goes stale.
    expect(deriveConsent([e('marketing', 'grant', 1)], current).purposes.marketing.state).toBe('granted');
  });

  it('keeps purposes separate', () => {
    const derived = deriveConsent([e('marketing', 'withdraw', 3), e('archiving', 'grant', 1)], current);
    expect(derived.purposes.archiving.state).toBe('granted');
    expect(derived.purposes.marketing.state).toBe('withdrawn');
    expect(derived.purposes.cross_border.state).toBe('missing');
  });

  it('marks a person who withdrew processing consent as retained for legal obligation only, until granted again', () => {
    expect(deriveConsent([e('processing', 'withdraw', 1)], current).retainedForLegalObligationOnly).toBe(true);
    expect(deriveConsent([e('processing', 'withdraw', 1), e('processing', 'grant', 2)], current).retainedForLegalObligationOnly).toBe(false);
  });

  it('orders entries totally (antisymmetric, ties broken by id)', () => {
    fc.assert(fc.property(entry, entry, (a, b) => {
      expect(Math.sign(compareEntries(a, b))).toBe(-Math.sign(compareEntries(b, a)));
    }));
  });
});
