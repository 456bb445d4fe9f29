import fc from 'fast-check';
import { isBankCard, luhnValid } from './bank-card';
import { detectPii, type EnabledDetectors } from './detect';
import { maskMatches } from './mask';
import { isMobile } from './mobile';
import { isResidentId, residentIdCheckChar } from './resident-id';

const ALL: EnabledDetectors = { prcResidentId: true, bankCard: true, mobile: true, email: true };
const NOW = Date.parse('2025-06-01T00:00:00Z');
const detectors = (text: string): string[] => detectPii(text, ALL, NOW).map((m) => m.detector);

/** A valid resident id: real province prefix, real birth date before NOW, correct check character. */
const residentId = fc
  .record({
    province: fc.constantFrom('11', '31', '44', '51', '65', '81'),
    rest: fc.integer({ min: 0, max: 9999 }),
    birth: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2024-12-31T00:00:00Z'), noInvalidDate: true }),
    seq: fc.integer({ min: 0, max: 999 }),
  })
  .map(({ province, rest, birth, seq }) => {
    const date = birth.toISOString().slice(0, 10).replace(/-/g, '');
    const first17 = `${province}${String(rest).padStart(4, '0')}${date}${String(seq).padStart(3, '0')}`;
    return first17 + residentIdCheckChar(first17);
  });

/** A Luhn-valid card number with a payment-network prefix. */
const card = fc
  .record({ prefix: fc.constantFrom('62', '4', '51', '55', '34', '37', '35', '6011'), length: fc.integer({ min: 13, max: 19 }), body: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 19, maxLength: 19 }) })
  .map(({ prefix, length, body }) => {
    const partial = (prefix + body.join('')).slice(0, length - 1);
    for (let d = 0; d <= 9; d++) if (luhnValid(partial + d)) return partial + d;
    throw new Error('unreachable: one check digit always fits');
  })
  .filter((n) => !isResidentId(n, NOW) && !isMobile(n));

describe('resident id (GB 11643)', () => {
  it('computes the check character, X included', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdCheckChar('44030119900307123')).toBe('0');
  });

  it('rejects a wrong check character, an impossible date, a future birth and an unknown province', () => {
    expect(isResidentId('440301199003071230', NOW)).toBe(true);
    expect(isResidentId('440301199003071239', NOW)).toBe(false);
    expect(isResidentId('11010519900230001X', NOW)).toBe(false);
    expect(isResidentId('11010520300101001X', NOW)).toBe(false);
    expect(isResidentId('990301199003071230', NOW)).toBe(false);
  });

  it('detects every generated valid id, alone or inside Chinese text', () => {
    fc.assert(
      fc.property(residentId, (id) => {
        expect(detectors(id)).toEqual(['prcResidentId']);
        expect(detectors(`客户身份证${id}，请核对`)).toEqual(['prcResidentId']);
      }),
      { numRuns: 500 },
    );
  });
});

describe('bank card (Luhn)', () => {
  it('accepts well-known test numbers and rejects a changed digit', () => {
    expect(isBankCard('4111111111111111')).toBe(true);
    expect(isBankCard('4111111111111112')).toBe(false);
    expect(isBankCard('378282246310005')).toBe(true);
    expect(isBankCard('2223000048400011')).toBe(true);
  });

  it('rejects Luhn-valid numbers without a payment-network prefix', () => {
    expect(luhnValid('2024052012345673')).toBe(true);
    expect(isBankCard('2024052012345673')).toBe(false);
  });

  it('detects every generated card number, plain, grouped by four or dashed', () => {
    fc.assert(
      fc.property(card, fc.constantFrom('', ' ', '-'), (number, sep) => {
        const grouped = number.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
        expect(detectors(`卡号${grouped}。`)).toEqual(['bankCard']);
      }),
      { numRuns: 500 },
    );
  });

  it('never finds a number in text without digits', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }).map((s) => s.replace(/[0-9\uff10-\uff19@\uff20]/g, '')), (text) => {
        expect(detectPii(text, ALL, NOW)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('mobile', () => {
  it('accepts PRC mobiles with and without the country code', () => {
    expect(isMobile('13800138000')).toBe(true);
    expect(isMobile('8613800138000')).toBe(true);
    expect(isMobile('008613800138000')).toBe(true);
    expect(isMobile('12800138000')).toBe(false);
    expect(isMobile('8612800138000')).toBe(false);
  });

  it('finds a mobile only when no letter, digit or decimal point joins it to more', () => {
    expect(detectors('电话13800138000。')).toEqual(['mobile']);
    expect(detectors('138001380001')).toEqual([]);
    expect(detectors('A13800138000')).toEqual([]);
    expect(detectors('13800138000.5')).toEqual([]);
    expect(detectors('0.13800138000')).toEqual([]);
  });

  it('stays fast on long runs of short digit groups and many addresses', () => {
    const digits = '1 '.repeat(200_000);
    expect(detectPii(digits, ALL, NOW)).toEqual([]);
    const mixed = '13800138000@qq.com 13900139000 '.repeat(20_000);
    expect(detectPii(mixed, ALL, NOW).map((m) => m.detector)).toEqual(Array.from({ length: 20_000 }, () => ['email', 'mobile']).flat());
  }, 10_000);
});

describe('e-mail', () => {
  it('finds addresses and ignores at-signs that are not addresses', () => {
    expect(detectors('mail a.b+c@mail.bank.example now')).toEqual(['email']);
    expect(detectors('@everyone')).toEqual([]);
    expect(detectors('a@b')).toEqual([]);
    expect(detectors('x@-bad-.com')).toEqual([]);
    expect(detectors('.@bank.example')).toEqual([]);
  });

  it('treats digits inside an address as part of the address even when e-mail detection is off', () => {
    expect(detectPii('13800138000@qq.com', { ...ALL, email: false }, NOW)).toEqual([]);
  });
});

describe('masking', () => {
  it('keeps the last four digits and the separators', () => {
    const text = '卡 4111 1111 1111 1111，手机+86 138-0013-8000，证 11010519491231002X，邮 zhang.san@bank.example';
    expect(maskMatches(text, detectPii(text, ALL, NOW))).toBe('卡 **** **** **** 1111，手机+** ***-****-8000，证 **************002X，邮 z***@bank.example');
  });

  it('leaves no digit of a masked number but the last four', () => {
    fc.assert(
      fc.property(fc.oneof(card, residentId), (number) => {
        const masked = maskMatches(`号码${number}`, detectPii(`号码${number}`, ALL, NOW));
        expect(masked).toBe(`号码${'*'.repeat(number.length - 4)}${number.slice(-4)}`);
      }),
      { numRuns: 300 },
    );
  });
});
