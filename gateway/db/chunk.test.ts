import { chunk, rowsPerStatement } from './chunk';

describe('chunk', () => {
  it('splits into slices of at most the given size, keeping order', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
  });

  it('rejects a size below 1', () => {
    expect(() => chunk([1], 0)).toThrow(RangeError);
  });
});

describe('rowsPerStatement', () => {
  it('keeps an INSERT under SQL Server limits of 2100 parameters and 1000 rows', () => {
    expect(rowsPerStatement(14) * 14).toBeLessThan(2100);
    expect(rowsPerStatement(1)).toBe(1000);
    expect(rowsPerStatement(5000)).toBe(1);
  });
});
