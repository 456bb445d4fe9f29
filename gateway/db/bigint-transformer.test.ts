import { bigintFromDatabase, bigintToDatabase } from './bigint-transformer';

describe('bigint transformer', () => {
  it('parses the strings node-postgres and tedious return for bigint', () => {
    expect(bigintFromDatabase('2147483655')).toBe(2147483655);
    expect(bigintFromDatabase(1795433713913)).toBe(1795433713913);
    expect(bigintFromDatabase(null)).toBeNull();
  });

  it('refuses a value that would lose precision as a JS number, reading or writing', () => {
    expect(() => bigintFromDatabase('9007199254740993')).toThrow(RangeError);
    expect(() => bigintToDatabase(2 ** 60)).toThrow(RangeError);
    expect(() => bigintToDatabase(1.5)).toThrow(RangeError);
  });
});
