import { QueryFailedError } from 'typeorm';
import { isUniqueViolation } from './errors';

/** The shape mssql's RequestError has for a server error (number copied from tedious's info). */
function mssqlRequestError(number: number): Error {
  const original = Object.assign(new Error('Violation of constraint'), { info: { number, state: 1, class: 14 } });
  return Object.assign(new Error('Violation of constraint'), { name: 'RequestError', code: 'EREQUEST', number, originalError: original });
}

describe('isUniqueViolation', () => {
  it.each([
    ['SQL Server 2627 (unique or primary key constraint)', mssqlRequestError(2627)],
    ['SQL Server 2601 (unique index)', mssqlRequestError(2601)],
    ['PostgreSQL 23505', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['SQLite unique', Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' })],
    ['SQLite primary key', Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_PRIMARYKEY' })],
  ])('recognises %s, raw and wrapped in QueryFailedError', (_name, driverError) => {
    expect(isUniqueViolation(driverError)).toBe(true);
    expect(isUniqueViolation(new QueryFailedError('INSERT …', [], driverError))).toBe(true);
  });

  it('recognises a SQL Server error whose number is only on the original tedious error', () => {
    const original = Object.assign(new Error('dup'), { info: { number: 2601 } });
    expect(isUniqueViolation(new QueryFailedError('INSERT …', [], Object.assign(new Error('dup'), { originalError: original })))).toBe(true);
  });

  it.each([
    ['SQL Server 547 (foreign key)', mssqlRequestError(547)],
    ['PostgreSQL 23503 (foreign key)', Object.assign(new Error('fk'), { code: '23503' })],
    ['SQLite foreign key', Object.assign(new Error('FOREIGN KEY constraint failed'), { code: 'SQLITE_CONSTRAINT_FOREIGNKEY' })],
    ['SQLite busy', Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })],
    ['a plain error', new Error('boom')],
    ['a string', 'boom'],
    ['null', null],
  ])('rejects %s', (_name, err) => {
    expect(isUniqueViolation(err)).toBe(false);
  });
});
