import fc from 'fast-check';
import { normaliseText } from './normalise';

describe('lexicon normaliser', () => {
  it.each([
    ['full-width Latin to lower-case half-width', 'ＧＵＡＲＡＮＴＥＥＤ', 'guaranteed'],
    ['mathematical bold letters', '𝐠𝐮𝐚𝐫𝐚𝐧𝐭𝐞𝐞𝐝', 'guaranteed'],
    ['full-width digits and circled numbers', '１２３①②', '12312'],
    ['traditional to simplified Chinese', '穩賺無風險', '稳赚无风险'],
    ['Hong Kong variant 台 and traditional 臺 alike', '臺台', '台台'],
    ['spaces, ideographic spaces and punctuation', '保 本\u3000，保-本。', '保本保本'],
    ['zero-width and format characters', '保\u200b\u200c\u200d\ufeff\u00ad本', '保本'],
    ['symbols and emoji', '保★本😀♥', '保本'],
    ['diacritics on Latin letters, precomposed or combining', 'Café cafe\u0301', 'cafecafe'],
    ['NFKC expansions', 'ﬁnance ㍿', 'finance株式会社'],
  ])('folds %s', (_what, input, expected) => {
    expect(normaliseText(input)).toBe(expected);
  });

  it('keeps simplified Chinese, Latin letters and digits as they are', () => {
    expect(normaliseText('稳赚abc123')).toBe('稳赚abc123');
  });

  it('drops a lone surrogate instead of failing', () => {
    expect(normaliseText('保\ud800本')).toBe('保本');
  });

  it('maps every BMP character to a fixed point (exhaustive)', () => {
    const unstable: string[] = [];
    for (let c = 0; c < 0x10000; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const once = normaliseText(String.fromCharCode(c));
      if (normaliseText(once) !== once) unstable.push(c.toString(16));
    }
    expect(unstable).toEqual([]);
  });

  it('is idempotent on any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const once = normaliseText(text);
        expect(normaliseText(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('never leaves a separator in its output', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        expect(normaliseText(text)).not.toMatch(/[\p{Z}\p{P}\p{S}\p{Cc}\p{Cf}\s]/u);
      }),
      { numRuns: 1000 },
    );
  });
});
