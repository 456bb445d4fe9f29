import { EntitySchema } from 'typeorm';
import { generateMssqlDdl, renderGolden } from './generate-ddl';
import { formatFindings, lintEntityColumns, lintMssqlSql, type LintRule } from './lint';

const rulesOf = (sql: string): LintRule[] => lintMssqlSql(sql).map((finding) => finding.rule);

describe('SQL Server lint', () => {
  it('finds nothing in the T-SQL our migrations generate', async () => {
    const ddl = await generateMssqlDdl();
    const findings = lintMssqlSql(ddl.map((entry) => ({ name: entry.name, sql: renderGolden(entry) })));
    expect(formatFindings(findings)).toBe('');
  });

  it('finds nothing in our entity column types', () => {
    expect(formatFindings(lintEntityColumns())).toBe('');
  });

  describe('rejects, in T-SQL,', () => {
    it.each<[string, LintRule, string]>([
      ['a BOOLEAN column', 'boolean-type', 'CREATE TABLE "t" ("flag" boolean NOT NULL)'],
      ['a TEXT column', 'deprecated-lob-type', 'CREATE TABLE "t" ("body" text NOT NULL)'],
      ['an NTEXT column', 'deprecated-lob-type', 'CREATE TABLE "t" ("body" ntext NOT NULL)'],
      ['an IMAGE column', 'deprecated-lob-type', 'CREATE TABLE "t" ("blob" image NOT NULL)'],
      ['a SERIAL column', 'auto-increment', 'CREATE TABLE "t" ("id" serial NOT NULL)'],
      ['SQLite AUTOINCREMENT', 'auto-increment', 'CREATE TABLE "t" ("id" integer PRIMARY KEY AUTOINCREMENT)'],
      ['LIMIT', 'limit-offset', 'SELECT "id" FROM "outbox" LIMIT 10'],
      ['OFFSET without ORDER BY … FETCH', 'limit-offset', 'SELECT "id" FROM "outbox" OFFSET 10'],
      ['CREATE TABLE IF NOT EXISTS', 'create-if-not-exists', 'CREATE TABLE IF NOT EXISTS "t" ("id" int NOT NULL)'],
      ['a jsonb column', 'postgres-type', 'CREATE TABLE "t" ("doc" jsonb NOT NULL)'],
      ['a json column', 'postgres-type', 'CREATE TABLE "t" ("doc" json NOT NULL)'],
      ['a bytea column', 'postgres-type', 'CREATE TABLE "t" ("bin" bytea NOT NULL)'],
      ['a timestamptz column', 'postgres-type', 'CREATE TABLE "t" ("at" timestamptz NOT NULL)'],
      ['a uuid column', 'postgres-type', 'CREATE TABLE "t" ("id" uuid NOT NULL)'],
      ['varchar(8001)', 'string-length', 'CREATE TABLE "t" ("s" varchar(8001) NOT NULL)'],
      ['nvarchar(4001)', 'string-length', 'CREATE TABLE "t" ("s" nvarchar(4001) NOT NULL)'],
      ['varbinary(9000)', 'string-length', 'CREATE TABLE "t" ("b" varbinary(9000) NOT NULL)'],
      [
        'a nonclustered index key over 1700 bytes',
        'index-key-size',
        'CREATE TABLE "t" ("a" nvarchar(500) NOT NULL, "b" nvarchar(400) NOT NULL)\nGO\nCREATE INDEX "ix_t" ON "t" ("a", "b")',
      ],
      ['a clustered primary key over 900 bytes', 'index-key-size', 'CREATE TABLE "t" ("k" varchar(901) NOT NULL, CONSTRAINT "pk_t" PRIMARY KEY ("k"))'],
      ['a (max) column as an index key', 'index-key-size', 'CREATE TABLE "t" ("k" nvarchar(max) NOT NULL)\nGO\nCREATE INDEX "ix_t" ON "t" ("k")'],
      ['a UNIQUE constraint on a nullable column', 'unique-nullable', 'CREATE TABLE "t" ("k" varchar(64), CONSTRAINT "uq_t" UNIQUE ("k"))'],
      ['an unfiltered unique index on a nullable column', 'unique-nullable', 'CREATE TABLE "t" ("k" varchar(64) NULL)\nGO\nCREATE UNIQUE INDEX "uq_t" ON "t" ("k")'],
      ['an identifier over 128 characters', 'identifier-length', `CREATE TABLE "${'t'.repeat(129)}" ("id" int NOT NULL)`],
      ['a reserved word as an unquoted table name', 'reserved-word', 'CREATE TABLE checkpoint ("id" int NOT NULL)'],
      ['a reserved word as an unquoted column name', 'reserved-word', 'CREATE TABLE "t" (key varchar(64) NOT NULL)'],
      ['a reserved word as an unquoted table in DML', 'reserved-word', 'SELECT * FROM checkpoint'],
      [
        'two ON DELETE CASCADE paths to one table',
        'cascade-paths',
        [
          'CREATE TABLE "p" ("id" int NOT NULL, CONSTRAINT "pk_p" PRIMARY KEY ("id"))',
          'CREATE TABLE "a" ("id" int NOT NULL, "p" int NOT NULL, CONSTRAINT "pk_a" PRIMARY KEY ("id"), CONSTRAINT "fk_a_p" FOREIGN KEY ("p") REFERENCES "p" ("id") ON DELETE CASCADE)',
          'CREATE TABLE "b" ("id" int NOT NULL, "p" int NOT NULL, "a" int NOT NULL, CONSTRAINT "pk_b" PRIMARY KEY ("id"), CONSTRAINT "fk_b_p" FOREIGN KEY ("p") REFERENCES "p" ("id") ON DELETE CASCADE)',
          'ALTER TABLE "b" ADD CONSTRAINT "fk_b_a" FOREIGN KEY ("a") REFERENCES "a"("id") ON DELETE CASCADE',
        ].join('\nGO\n'),
      ],
      [
        'a self-referencing ON DELETE SET NULL (a cycle)',
        'cascade-paths',
        'CREATE TABLE "n" ("id" int NOT NULL, "parent" int NULL, CONSTRAINT "pk_n" PRIMARY KEY ("id"), CONSTRAINT "fk_n_parent" FOREIGN KEY ("parent") REFERENCES "n" ("id") ON DELETE SET NULL)',
      ],
    ])('%s', (_name, rule, sql) => {
      expect(rulesOf(sql)).toContain(rule);
    });
  });

  describe('accepts the T-SQL forms of the same things', () => {
    it.each<[string, string]>([
      ['bit, nvarchar(max), varbinary(max), IDENTITY', 'CREATE TABLE "t" ("id" int NOT NULL IDENTITY(1,1), "flag" bit NOT NULL, "body" nvarchar(max) NOT NULL, "b" varbinary(max) NOT NULL)'],
      ['ORDER BY … OFFSET … FETCH', 'SELECT "id" FROM "outbox" ORDER BY "id" OFFSET 10 ROWS FETCH NEXT 10 ROWS ONLY'],
      ['FOR JSON output', 'SELECT "id" FROM "outbox" FOR JSON PATH'],
      ['a filtered unique index on a nullable column', 'CREATE TABLE "t" ("k" varchar(64) NULL)\nGO\nCREATE UNIQUE INDEX "uq_t" ON "t" ("k") WHERE "k" IS NOT NULL'],
      ['a quoted reserved word', 'CREATE TABLE "checkpoint" ("key" int NOT NULL)\nGO\nSELECT * FROM "checkpoint"'],
      ['one cascade path per table', 'CREATE TABLE "p" ("id" int NOT NULL PRIMARY KEY)\nGO\nCREATE TABLE "c" ("id" int NOT NULL PRIMARY KEY, "p" int NOT NULL, CONSTRAINT "fk" FOREIGN KEY ("p") REFERENCES "p" ("id") ON DELETE CASCADE)'],
      ['a composite index within 1700 bytes', 'CREATE TABLE "t" ("a" varchar(850) NOT NULL, "b" varchar(850) NOT NULL)\nGO\nCREATE INDEX "ix" ON "t" ("a", "b")'],
    ])('%s', (_name, sql) => {
      expect(formatFindings(lintMssqlSql(sql))).toBe('');
    });
  });

  describe('rejects, in entity column types,', () => {
    const entityWith = (column: object) =>
      new EntitySchema<any>({ name: 'Probe', tableName: 'probe', columns: { id: { type: 'varchar', length: 36, primary: true }, probe: column as any } });

    it.each<[string, LintRule, object]>([
      ['"boolean"', 'boolean-type', { type: 'boolean' }],
      ['"text"', 'deprecated-lob-type', { type: 'text' }],
      ['"simple-json" (ntext on SQL Server)', 'deprecated-lob-type', { type: 'simple-json' }],
      ['"jsonb"', 'postgres-type', { type: 'jsonb' }],
      ['"bytea"', 'postgres-type', { type: 'bytea' }],
      ['"timestamptz"', 'postgres-type', { type: 'timestamptz' }],
      ['"uuid"', 'postgres-type', { type: 'uuid' }],
      ['varchar without a length', 'string-length', { type: 'varchar' }],
      ['varchar(9000)', 'string-length', { type: 'varchar', length: 9000 }],
      ['a type SQL Server lacks', 'unsupported-type', { type: 'double' }],
    ])('%s', (_name, rule, column) => {
      expect(lintEntityColumns([entityWith(column)]).map((finding) => finding.rule)).toContain(rule);
    });
  });
});
