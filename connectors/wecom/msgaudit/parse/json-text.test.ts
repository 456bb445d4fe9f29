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
