/** Largest n SQL Server accepts in type(n), by lower-case type name; beyond it only (max) exists. */
export const MSSQL_LENGTH_LIMITS: Readonly<Record<string, number>> = { varchar: 8000, char: 8000, varbinary: 8000, binary: 8000, nvarchar: 4000, nchar: 4000 };
