import fc from 'fast-check';
import { compileLexicon, scanText, type MatcherTerm } from './lexicon-matcher';

const term = (text: string, extra: Partial<MatcherTerm> = {}): MatcherTerm => ({ text, except: [], wholeWord: true, ...extra });

/** Overlapping occurrences of `needle` in `hay`: the oracle for the automaton. */
function naiveCount(hay: string, needle: string): number {
  let n = 0;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) n++;
  return n;
}

describe('lexicon matcher', () => {
  it('counts every term, including terms inside other terms', () => {
    const m = compileLexicon([term('稳赚'), term('稳赚不赔'), term('不赔')]);
    expect(scanText(m, '稳赚不赔，稳赚')).toEqual([{ term: 0, count: 2 }, { term: 1, count: 1 }, { term: 2, count: 1 }]);
  });

  it('finds nothing in text without any term', () => {
    const m = compileLexicon([term('保本'), term('guaranteed')]);
    expect(scanText(m, '今天天气很好 the weather is fine')).toEqual([]);
  });

  it('agrees with a naive search for any terms and text (no boundaries, no exceptions)', () => {
    const alphabet = fc.constantFrom('a', 'b', '保', '本');
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: alphabet, minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }), fc.string({ unit: alphabet, maxLength: 60 }), (terms, text) => {
        const m = compileLexicon(terms.map((t) => term(t, { wholeWord: false })));
        const got = new Map(scanText(m, text).map((h) => [h.term, h.count]));
        terms.forEach((t, i) => expect(got.get(i) ?? 0).toBe(naiveCount(text, t)));
      }),
      { numRuns: 500 },
    );
  });

  it('requires word boundaries at Latin ends of a term, judged on the original text', () => {
    const m = compileLexicon([term('guaranteed')]);
    const count = (text: string): number => scanText(m, text)[0]?.count ?? 0;
    expect(count('guaranteed')).toBe(1);
    expect(count('unguaranteed')).toBe(0);
    expect(count('guaranteeds')).toBe(0);
    expect(count('un-guaranteed')).toBe(1);
    expect(count('保证guaranteed回报')).toBe(1);
    expect(count('g u a r a n t e e d')).toBe(1);
    expect(count('guaranteed5')).toBe(0);
  });

  it('matches stems anywhere when wholeWord is false', () => {
    const m = compileLexicon([term('guarant', { wholeWord: false })]);
    expect(scanText(m, 'guaranty, guarantees')).toEqual([{ term: 0, count: 2 }]);
  });

  it('suppresses a hit only when an exception phrase covers it', () => {
    const m = compileLexicon([term('保本', { except: ['不保本', '保本金'] })]);
    expect(scanText(m, '不保本')).toEqual([]);
    expect(scanText(m, '保本金')).toEqual([]);
    expect(scanText(m, '不保本；保本')).toEqual([{ term: 0, count: 1 }]);
  });

  it('handles texts longer than its scratch buffers', () => {
    const m = compileLexicon([term('保本')]);
    expect(scanText(m, `${'好'.repeat(20_000)}保本${'。'.repeat(5000)}保本`)).toEqual([{ term: 0, count: 2 }]);
    const many = '保本 '.repeat(500);
    expect(scanText(m, many)).toEqual([{ term: 0, count: 500 }]);
  });

  it('stays linear on a text full of hits and exceptions (no quadratic exception check)', () => {
    const m = compileLexicon([term('保本', { except: ['不保本'] }), term('本金')]);
    const text = '保本不保本金'.repeat(100_000);
    expect(scanText(m, text)).toEqual([{ term: 0, count: 100_000 }, { term: 1, count: 100_000 }]);
  }, 10_000);

  it('refuses a term that normalises to nothing', () => {
    expect(() => compileLexicon([term('—— ！')])).toThrow(/term 0: normalises to nothing/);
  });
});
