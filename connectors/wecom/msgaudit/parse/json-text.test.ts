import fc from 'fast-check';
import { exceedsDepth, NumberLiteral, parseJsonText } from './json-text';

const LIMITS = { maxBytes: 1000, maxDepth: 3, maxValues: 100, maxArrayLength: 10 };

describe('parseJsonText', () => {
  test('keeps safe integers as numbers and every other number as its exact source text', () => {
    const value = parseJsonText('{"a":1,"b":-7,"c":9007199254740993,"d":1.50,"e":1e3,"f":-0,"g":9007199254740991}', LIMITS, 'message') as Record<string, unknown>;
    expect(value.a).toBe(1);
    expect(value.b).toBe(-7);
    expect(value.g).toBe(9007199254740991);
    for (const [key, source] of [['c', '9007199254740993'], ['d', '1.50'], ['e', '1e3'], ['f', '-0']]) {
      expect(value[key as string]).toBeInstanceOf(NumberLiteral);
      expect((value[key as string] as NumberLiteral).source).toBe(source);
    }
    expect(new NumberLiteral('12').isInteger).toBe(true);
    expect(new NumberLiteral('1.0').isInteger).toBe(false);
  });

  test('counts depth outside strings only, including brackets and escaped quotes inside strings', () => {
    expect(exceedsDepth('{"a":"[[[[{{{{\\"[[[["}', 1)).toBe(false);
    expect(exceedsDepth('{"a":"\\\\"}', 1)).toBe(false);
    expect(exceedsDepth('{"a":[[{}]]}', 3)).toBe(true);
    expect(exceedsDepth('{"a":[[1]]}', 3)).toBe(false);
    expect(() => parseJsonText('{"a":[[{}]]}', LIMITS, 'message')).toThrow(expect.objectContaining({ code: 'too-deep' }));
  });

  test('checks the byte size, not the character count', () => {
    const text = `"${'中'.repeat(400)}"`; // 402 characters, 1,202 bytes
    expect(() => parseJsonText(text, LIMITS, 'message')).toThrow(expect.objectContaining({ code: 'too-large' }));
  });

  test('refuses an unescaped lone surrogate in a string input', () => {
    expect(() => parseJsonText('"a\ud800b"', LIMITS, 'message')).toThrow(expect.objectContaining({ code: 'lone-surrogate' }));
    expect(parseJsonText('"a\ud83d\ude00b"', LIMITS, 'message')).toBe('a😀b');
  });

  test('prefixes errors with the path of an embedded document', () => {
    expect(() => parseJsonText('{', LIMITS, 'message', 'mixed.item[0].content')).toThrow(expect.objectContaining({ code: 'malformed-json', path: 'mixed.item[0].content' }));
  });

  test('counts values against the limit', () => {
    expect(() => parseJsonText(`[${'1,'.repeat(9)}1]`, { ...LIMITS, maxValues: 5 }, 'message')).toThrow(expect.objectContaining({ code: 'too-many-values' }));
  });
});

describe('parseJsonText without a reviver (texts with no \\u escape and only small integers)', () => {
  /**
   * The module's rules applied the plain way, a reviver on every value (what parseJsonText did for every text
   * before it learnt to skip the reviver): the reference the faster path must match, value and error alike.
   */
  function reference(text: string, limits: typeof LIMITS): { value: unknown } | { error: unknown } {
    let values = 0;
    const fail = (code: string): never => {
      throw Object.assign(new Error(code), { code });
    };
    const check = (s: string): void => {
      if (s.includes('\u0000')) fail('nul-character');
      if (/\p{Cs}/u.test(s)) fail('lone-surrogate');
    };
    try {
      return {
        value: JSON.parse(text, (key: string, value: unknown, context?: { source?: string }) => {
          if (++values > limits.maxValues) fail('too-many-values');
          check(key);
          if (typeof value === 'string') check(value);
          if (typeof value === 'number') {
            const source = context!.source!;
            return /^-?(?:0|[1-9][0-9]*)$/.test(source) && Number.isSafeInteger(value) && source !== '-0' ? value : new NumberLiteral(source);
          }
          if (Array.isArray(value) && value.length > limits.maxArrayLength) fail('array-too-long');
          return value;
        }),
      };
    } catch (err) {
      return { error: err instanceof SyntaxError ? 'malformed-json' : (err as { code: unknown }).code };
    }
  }
  const outcome = (text: string, limits: typeof LIMITS) => {
    try {
      return { value: parseJsonText(text, limits, 'message') };
    } catch (err) {
      return { error: (err as { code?: unknown }).code };
    }
  };
  const WIDE = { maxBytes: 1_000_000, maxDepth: 12, maxValues: 1_000_000, maxArrayLength: 100_000 };

  test('gives the value or error of a reviver on every value, for any JSON, numbers and escaped NULs and surrogates included', () => {
    const text = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.array(fc.oneof(fc.integer().map(String), fc.maxSafeInteger().map(String), fc.constantFrom('-0', '0', '1e2', '1.0', '123456789012345', '1234567890123456', '9999999999999999', '-01')), { maxLength: 6 }).map((a) => `[${a.join(',')}]`),
      // JSON.stringify writes U+0000 and lone surrogates as \u escapes.
      fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JSON.stringify({ [s]: [s, 1] })),
      fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JSON.stringify({ key: s })),
    );
    fc.assert(fc.property(text, (t) => {
      expect(outcome(t, WIDE)).toEqual(reference(t, WIDE));
    }), { numRuns: 500 });
  });

  test('counts values and array elements of a long text like the reviver, in the same order', () => {
    const longArray = `[${'1,'.repeat(40)}[1,2,3]]`; // 41 elements, 45 values
    const cases = [{ ...LIMITS, maxValues: 1000, maxArrayLength: 50 }, { ...LIMITS, maxValues: 30 }, { ...LIMITS, maxValues: 1000, maxArrayLength: 10 }, { ...LIMITS, maxValues: 30, maxArrayLength: 10 }, { ...LIMITS, maxValues: 44, maxArrayLength: 41 }];
    for (const limits of cases) expect(outcome(longArray, limits)).toEqual(reference(longArray, limits));
    expect(cases.map((limits) => Object.keys(outcome(longArray, limits))[0])).toEqual(['value', 'error', 'error', 'error', 'error']);
  });

  test('keeps every number the reviver would keep as source text', () => {
    for (const n of ['-0', '1.0', '1e2', '9007199254740993', '9999999999999999']) expect(outcome(n, WIDE)).toEqual({ value: new NumberLiteral(n) });
    for (const n of ['123456789012345', '1234567890123456', '-9007199254740991']) expect(outcome(n, WIDE)).toEqual({ value: Number(n) });
  });
});
