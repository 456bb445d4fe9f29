import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { CanonicalJsonError, MAX_DEPTH, canonicalHash, canonicalInteger, canonicalJson, canonicalString } from './json';

// Expected hashes were computed outside Node (python hashlib over the expected text),
// so these vectors pin the format, not just this implementation.
const VECTORS: Array<{ name: string; input: unknown; json: string; sha256?: string }> = [
  { name: 'null', input: null, json: 'null', sha256: '74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b' },
  { name: 'empty object', input: {}, json: '{}', sha256: '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a' },
  { name: 'empty array', input: [], json: '[]', sha256: '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945' },
  { name: 'keys sorted', input: { b: 1, a: 2 }, json: '{"a":2,"b":1}', sha256: 'd3626ac30a87e6f7a6428233b3c68299976865fa5508e4267c5415c76af7a772' },
  {
    name: 'nested objects and arrays, no whitespace',
    input: { z: { y: [3, { d: null, c: true }] }, a: 'x' },
    json: '{"a":"x","z":{"y":[3,{"c":true,"d":null}]}}',
    sha256: '94688ac7d9c6119333c60b84083b1631783266008e403632eed0cfeccb19f8ed',
  },
  {
    // Code point order would put U+FFFD before U+1F600; UTF-16 code units (0xD83D < 0xFFFD) do not.
    name: 'keys in UTF-16 code unit order, not code point order',
    input: { '\uFFFD': 1, '\u{1F600}': 2, a: 3, B: 4, '': 5 },
    json: '{"":5,"B":4,"a":3,"\u{1F600}":2,"\uFFFD":1}',
    sha256: '045358911a3ce6d38bd7546a464951af2efd6f468aef73820b937e3e7a44a764',
  },
  {
    name: 'string escapes as JSON.stringify: short forms, \\u00xx controls, "/" DEL U+2028 and non-ASCII verbatim',
    input: '"\\/\b\f\n\r\t\u0000\u001f\u007f\u00e9\u{1F600}\u2028',
    json: '"\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\u007f\u00e9\u{1F600}\u2028"',
  },
  { name: 'lone surrogates escaped in lower-case hex', input: ['\ud800', 'a\udfffb'], json: '["\\ud800","a\\udfffb"]' },
  {
    name: 'safe integers in plain decimal, -0 normalised to 0',
    input: [0, -0, 1, -1, 1e15, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER],
    json: '[0,0,1,-1,1000000000000000,9007199254740991,-9007199254740991]',
  },
  { name: 'undefined properties omitted', input: { a: undefined, b: 1, c: undefined }, json: '{"b":1}' },
  { name: 'null-prototype objects accepted', input: Object.assign(Object.create(null), { y: 2, x: 1 }), json: '{"x":1,"y":2}' },
  { name: 'numeric-looking keys sorted as strings', input: { 10: 'a', 9: 'b', 1: 'c' }, json: '{"1":"c","10":"a","9":"b"}' },
  { name: '__proto__ as an own key is data', input: JSON.parse('{"__proto__":1,"a":2}'), json: '{"__proto__":1,"a":2}' },
  { name: 'genesis of shard 0', input: { chain: 'cgw-archive', shard: 0, v: 1 }, json: '{"chain":"cgw-archive","shard":0,"v":1}', sha256: 'ed86e715bc2e5fc74449576e6154a3fd76542f57901ba81a24988b6130f64621' },
];

describe('canonicalJson test vectors', () => {
  it.each(VECTORS)('$name', ({ input, json, sha256 }) => {
    expect(canonicalJson(input)).toBe(json);
    expect(canonicalHash(input)).toBe(sha256 ?? createHash('sha256').update(Buffer.from(json, 'utf8')).digest('hex'));
  });

  it('hashes the UTF-8 bytes of the text (non-ASCII key)', () => {
    const json = canonicalJson({ é: 1 });
    expect(Buffer.from(json, 'utf8').toString('hex')).toBe('7b22c3a9223a317d');
    expect(canonicalHash({ é: 1 })).toBe(createHash('sha256').update(Buffer.from('7b22c3a9223a317d', 'hex')).digest('hex'));
  });
});

describe('canonicalJson rejects values without one exact encoding', () => {
  class Custom {
    readonly a = 1;
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const cases: Array<[string, unknown, RegExp]> = [
    ['a non-integer number', 1.5, /non-integer/],
    ['NaN', NaN, /NaN/],
    ['Infinity', Infinity, /Infinity/],
    ['-Infinity', -Infinity, /Infinity/],
    ['an integer beyond 2^53 - 1', 2 ** 53, /2\^53/],
    ['a bigint', 10n, /bigint/],
    ['undefined at top level', undefined, /undefined/],
    ['undefined in an array', [1, undefined], /undefined/],
    // eslint-disable-next-line no-sparse-arrays
    ['a sparse array hole', [, 1], /undefined/],
    ['a function', () => 1, /function/],
    ['a symbol', Symbol('s'), /symbol/],
    ['a Date', new Date(0), /Date is not a plain object/],
    ['a Buffer', Buffer.from('x'), /binary/],
    ['a Uint8Array', new Uint8Array(1), /binary/],
    ['a Map', new Map(), /Map is not a plain object/],
    ['a class instance', new Custom(), /Custom is not a plain object/],
    ['a cycle', cyclic, /deeper than/],
  ];
  it.each(cases)('rejects %s', (_name, value, reason) => {
    expect(() => canonicalJson(value)).toThrow(CanonicalJsonError);
    expect(() => canonicalJson(value)).toThrow(reason);
  });

  it('names the path of the offending value', () => {
    const bad = { heads: [{ shard: 0 }, { shard: 1, 'odd key': { seq: 1.5 } }] };
    expect(() => canonicalJson(bad)).toThrow(expect.objectContaining({ path: '$.heads[1]["odd key"].seq' }));
  });

  it('never puts the rejected value in the error message', () => {
    try {
      canonicalJson({ balance: 12345.678, secret: new Date(1700000000000) });
      throw new Error('expected a CanonicalJsonError');
    } catch (err) {
      expect(err).toBeInstanceOf(CanonicalJsonError);
      expect(String((err as Error).message)).not.toMatch(/12345|678|2023/);
    }
  });

  it(`accepts nesting of depth ${MAX_DEPTH} and rejects ${MAX_DEPTH + 1}`, () => {
    const nest = (depth: number): unknown => (depth === 0 ? 0 : [nest(depth - 1)]);
    expect(canonicalJson(nest(MAX_DEPTH))).toBe('['.repeat(MAX_DEPTH) + '0' + ']'.repeat(MAX_DEPTH));
    expect(() => canonicalJson(nest(MAX_DEPTH + 1))).toThrow(/deeper than/);
  });
});

// Any UTF-16 code unit sequence, including lone surrogates, so escaping is exercised fully.
const anyString = fc.string({
  unit: fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)),
  ),
  maxLength: 12,
});

// Integer-like keys too: JS enumerates those numerically, canonical order is by code unit.
const anyKey = fc.oneof(anyString, fc.nat({ max: 20 }).map(String));

const canonical = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger().map((n) => (n === 0 ? 0 : n)), // -0 is normalised, so leave it out of equality checks
    anyString,
    fc.array(tie('value'), { maxLength: 5 }),
    fc
      .uniqueArray(fc.tuple(anyKey, tie('value')), { selector: (entry) => entry[0], maxLength: 6 })
      .map((entries) => fromEntries(entries)),
  ),
})).value;

/** Builds with defineProperty so "__proto__" stays an own data key, as JSON.parse makes it. */
function fromEntries(entries: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** Same value, every object rebuilt with its keys inserted in reverse order. */
function reverseKeyOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeyOrder);
  if (value !== null && typeof value === 'object') {
    return fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeyOrder(v)] as const));
  }
  return value;
}

/**
 * Independent oracle: explicit code-unit comparator and join. (Not JSON.stringify of a
 * re-built object: JS enumerates integer-like keys numerically, whatever the insertion order.)
 */
function oracle(value: unknown): string {
  if (Array.isArray(value)) return '[' + value.map(oracle).join(',') + ']';
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort((a, b) => {
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        if (a.charCodeAt(i) !== b.charCodeAt(i)) return a.charCodeAt(i) - b.charCodeAt(i);
      }
      return a.length - b.length;
    });
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + oracle((value as Record<string, unknown>)[k])).join(',') + '}';
  }
  return JSON.stringify(value);
}

describe('canonicalJson properties', () => {
  it('does not depend on the insertion order of object keys', () => {
    fc.assert(fc.property(canonical, (value) => canonicalJson(reverseKeyOrder(value)) === canonicalJson(value)));
  });

  it('does not depend on key order within one object (shuffled)', () => {
    const entries = fc.uniqueArray(fc.tuple(anyKey, fc.maxSafeInteger()), { selector: (e) => e[0], minLength: 1, maxLength: 10 });
    const withShuffle = entries.chain((es) => fc.tuple(fc.constant(es), fc.shuffledSubarray(es, { minLength: es.length, maxLength: es.length })));
    fc.assert(fc.property(withShuffle, ([es, shuffled]) => canonicalJson(fromEntries(es)) === canonicalJson(fromEntries(shuffled))));
  });

  it('round-trips through JSON.parse to an equal value', () => {
    fc.assert(fc.property(canonical, (value) => expect(JSON.parse(canonicalJson(value))).toStrictEqual(value)));
  });

  it('equals an independent sorted-keys serialiser', () => {
    fc.assert(fc.property(canonical, (value) => canonicalJson(value) === oracle(value)), { numRuns: 300 });
  });

  it('is a fixed point: serialising the parsed output gives the same text', () => {
    fc.assert(fc.property(canonical, (value) => {
      const json = canonicalJson(value);
      return canonicalJson(JSON.parse(json)) === json;
    }));
  });
});

describe('canonicalString / canonicalInteger (building blocks for hand-written hot paths)', () => {
  it('encode exactly as canonicalJson does', () => {
    fc.assert(fc.property(anyString, (value) => canonicalString(value) === canonicalJson(value)));
    fc.assert(fc.property(fc.maxSafeInteger(), (value) => canonicalInteger(value) === canonicalJson(value)));
    expect(canonicalInteger(-0)).toBe('0');
  });

  it('reject other types and unsafe numbers, naming the given path', () => {
    expect(() => canonicalString(1, '$.id')).toThrow(expect.objectContaining({ path: '$.id', message: expect.stringContaining('expected a string, got number') }));
    expect(() => canonicalString(null, '$.id')).toThrow(/got null/);
    expect(() => canonicalInteger('1', '$.seq')).toThrow(expect.objectContaining({ path: '$.seq' }));
    expect(() => canonicalInteger(1.5, '$.seq')).toThrow(/non-integer/);
    expect(() => canonicalInteger(2 ** 53)).toThrow(CanonicalJsonError);
  });
});
