/**
 * Whatever arrives, the parsers either return a well-formed result or throw
 * their typed errors: never a TypeError, RangeError or SyntaxError, never a
 * half-built event.
 */
import fc from 'fast-check';
import { canonicalJson } from '../../../canonical/json';
import { MSGAUDIT_MESSAGE_TYPES, type MsgauditEvent } from '../../../canonical/msgaudit-event';
import { MsgauditApiError } from './api-error';
import { parseDecryptedMessage } from './decrypted-message';
import { parseChatDataEnvelope } from './envelope';
import { MsgauditParseError } from './errors';
import type { FieldRule } from './field-spec';
import { MESSAGE_TYPES } from './message-types';
import { CORP_ID, envelopeText, messageNames, messageText } from './__tests__/fixtures';

const SOURCE = { corpId: CORP_ID, record: { seq: '7', msgid: 'p-1', publickey_ver: 3 } };
const RUNS = { numRuns: 400 };
/** Known-type events returned so far: the shaped generators must reach the success paths too. */
let knownEvents = 0;

/** Parse, and check the invariants every returned event must hold. */
function tryMessage(input: string | Uint8Array, source = SOURCE): boolean {
  let event: MsgauditEvent;
  try {
    event = parseDecryptedMessage(input, source);
  } catch (err) {
    return err instanceof MsgauditParseError && err.subject === 'message' && !err.retryable;
  }
  expect(event.msgid).toBe(source.record.msgid);
  expect(() => canonicalJson(event.raw)).not.toThrow();
  expect(() => canonicalJson(event.fields)).not.toThrow();
  for (const media of event.media) expect(media.sdkfileid).not.toBe('');
  if (event.type !== 'unknown') knownEvents++;
  return true;
}

function tryEnvelope(input: string | Uint8Array): boolean {
  try {
    const result = parseChatDataEnvelope(input);
    for (const item of result.chatdata) expect(item.seq).toMatch(/^[1-9][0-9]*$/);
    return true;
  } catch (err) {
    return err instanceof MsgauditApiError || (err instanceof MsgauditParseError && err.subject === 'envelope' && err.retryable);
  }
}

/** Any string, now and then one holding NULs or lone surrogates. */
const hostileString = fc.oneof(
  { arbitrary: fc.string(), weight: 10 },
  { arbitrary: fc.string({ unit: 'binary' }), weight: 1 },
  { arbitrary: fc.constantFrom('\u0000', '\ud800', '\udc00x', '', 'CANARY'), weight: 1 },
);
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.bigInt().map((n) => n * 2n ** 60n), hostileString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** JSON text of a value, bigints written as bare integers. */
function toJsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `§${v}§` : v)).replace(/"§(-?\d+)§"/g, '$1');
}

/** A message-shaped object: right common fields usually, any payload. */
const usually = <T>(good: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: anyJson, weight: 1 });
const messageShaped = fc.record({
  msgid: usually(fc.constant('p-1')),
  action: usually(fc.constantFrom('send', 'recall', 'switch')),
  msgtype: usually(fc.constantFrom(...MSGAUDIT_MESSAGE_TYPES)),
  from: usually(fc.constant('rm.zhang')),
  tolist: usually(fc.constant(['wmX'])),
  roomid: usually(fc.constantFrom('', 'wrRoom')),
  msgtime: usually(fc.nat()),
  time: usually(fc.nat()),
  user: usually(fc.constant('rm.zhang')),
  payload: anyJson,
}, { requiredKeys: ['msgid', 'action', 'msgtype'] }).chain((m) => {
  // Own keys only: a random msgtype such as "constructor" names no type (it would find Object's own members).
  const spec = typeof m.msgtype === 'string' && Object.hasOwn(MESSAGE_TYPES, m.msgtype) ? MESSAGE_TYPES[m.msgtype as keyof typeof MESSAGE_TYPES] : undefined;
  if (!spec) return fc.constant(m as Record<string, unknown>);
  // A payload with the type's own wire fields, each usually of its right form, sometimes anything.
  const fields = Object.fromEntries(spec.fields.map((rule) => [rule.wire, fc.oneof({ arbitrary: plausible(rule.kind), weight: 8 }, { arbitrary: anyJson, weight: 1 })]));
  return fc.record({ ...fields, item: anyJson }, { requiredKeys: [] }).map((payload) => ({ ...m, [spec.payload]: payload }));
});

/** A value of the right form for a field kind. */
function plausible(kind: FieldRule['kind']): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'string': return fc.string({ minLength: 1 });
    case 'integer': return fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 2n ** 64n }), fc.stringMatching(/^[0-9]{1,5}$/));
    case 'decimal': return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
    case 'boolean': return fc.boolean();
    case 'strings': return fc.array(fc.string(), { maxLength: 3 });
    case 'any': return anyJson;
    default: return fc.array(fc.record(Object.fromEntries(kind.items.map((r) => [r.wire, plausible(r.kind)])), { requiredKeys: [] }), { maxLength: 3 });
  }
}

describe('parseDecryptedMessage never throws anything but MsgauditParseError', () => {
  test('on any JSON value', () => {
    fc.assert(fc.property(anyJson, (value) => tryMessage(toJsonText(value))), RUNS);
  });

  test('on message-shaped objects with random fields and payloads (some of which parse)', () => {
    const before = knownEvents;
    fc.assert(fc.property(messageShaped, (value) => tryMessage(toJsonText(value))), { numRuns: 600 });
    expect(knownEvents - before).toBeGreaterThan(10);
  });

  test('on any string', () => {
    fc.assert(fc.property(hostileString, (text) => tryMessage(text)), RUNS);
  });

  test('on any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => tryMessage(bytes)), RUNS);
  });

  test('on every fixture truncated, spliced or with a byte flipped', () => {
    const names = messageNames();
    const mutated = fc.record({ name: fc.constantFrom(...names), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), how: fc.constantFrom('truncate', 'flip', 'insert', 'drop') })
      .map(({ name, at, byte, how }) => {
        const bytes = Buffer.from(messageText(name));
        const i = at % bytes.length;
        switch (how) {
          case 'truncate': return { name, bytes: bytes.subarray(0, i) };
          case 'flip': return { name, bytes: Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i + 1)]) };
          case 'insert': return { name, bytes: Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)]) };
          default: return { name, bytes: Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]) };
        }
      });
    fc.assert(fc.property(mutated, ({ name, bytes }) => {
      const msgid = /"msgid":"([^"]*)"/.exec(messageText(name))?.[1] ?? '';
      return tryMessage(bytes, { ...SOURCE, record: { ...SOURCE.record, msgid } });
    }), { numRuns: 1500 });
  });
});

describe('parseChatDataEnvelope never throws anything but its typed errors', () => {
  test('on any JSON value', () => {
    fc.assert(fc.property(anyJson, (value) => tryEnvelope(toJsonText(value))), RUNS);
  });

  test('on envelope-shaped objects with random records', () => {
    const shaped = fc.record({
      errcode: fc.oneof(fc.constant(0), anyJson),
      errmsg: fc.oneof(fc.constant('ok'), anyJson),
      chatdata: fc.oneof(anyJson, fc.array(fc.record({
        seq: fc.oneof(fc.integer({ min: -2, max: 50 }), fc.bigInt({ min: 0n, max: 2n ** 65n }), anyJson),
        msgid: anyJson, publickey_ver: fc.oneof(fc.integer(), anyJson), encrypt_random_key: anyJson, encrypt_chat_msg: anyJson,
      }, { requiredKeys: [] }), { maxLength: 6 })),
    }, { requiredKeys: [] });
    fc.assert(fc.property(shaped, (value) => tryEnvelope(toJsonText(value))), RUNS);
  });

  test('on the fixture truncated or with a byte flipped', () => {
    const text = Buffer.from(envelopeText('three-records'));
    fc.assert(fc.property(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), (at, byte, truncate) => {
      const i = at % text.length;
      const bytes = truncate ? text.subarray(0, i) : Buffer.concat([text.subarray(0, i), Buffer.from([byte]), text.subarray(i + 1)]);
      return tryEnvelope(bytes);
    }), { numRuns: 1000 });
  });
});
