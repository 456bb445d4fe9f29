/**
 * Test support: each test gets its own freshly built archive on its own database
 * (SQLite and PostgreSQL), so one test's tampering never leaks into another's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../../../db/data-source';
import { ensureDevPki, type DevPki } from '../../../../certs/pki';
import { DATABASE_KINDS, openTestDatabase, type DatabaseKind, type TestDatabase } from '../../../../test/db';
import { buildArchive, type ArchiveFixture, type ArchiveFixtureOptions } from './archive-fixture';
import { verifyArchive, type VerifyReport } from '../verify-archive';

export interface FreshArchive {
  readonly kind: DatabaseKind;
  readonly dataSource: DataSource;
  /** Where the database is, for a second connection (as the CLI would open). */
  readonly config: DatabaseConfig;
  readonly archive: ArchiveFixture;
  readonly pki: DevPki;
  /** verifyArchive against the dev CA. */
  verify(): Promise<VerifyReport>;
}

let sharedPki: { dir: string; pki: DevPki } | undefined;

/** One dev PKI per test file (RSA key generation is the slow part), removed after the file. */
export function testPki(): DevPki {
  if (!sharedPki) {
    const dir = mkdtempSync(join(tmpdir(), 'cgw-verify-pki-'));
    sharedPki = { dir, pki: ensureDevPki(join(dir, 'pki')) };
  }
  return sharedPki.pki;
}

/** Runs `fn` once per back end; every test in it starts from a freshly built archive on a new database. */
export function describeEachFreshArchive(name: string, fn: (ctx: FreshArchive) => void, options: ArchiveFixtureOptions = {}): void {
  afterAll(() => {
    if (sharedPki) rmSync(sharedPki.dir, { recursive: true, force: true });
    sharedPki = undefined;
  });
  for (const kind of DATABASE_KINDS) {
    describe(`${name} [${kind}]`, () => {
      let db: TestDatabase | undefined;
      let archive: ArchiveFixture | undefined;
      const open = (): TestDatabase => {
        if (!db) throw new Error('the archive is built in beforeEach: use it inside tests');
        return db;
      };
      beforeEach(async () => {
        db = await openTestDatabase(kind);
        archive = await buildArchive(db.dataSource, testPki().signer, options);
      });
      afterEach(async () => {
        await db?.drop();
        db = undefined;
      });
      fn({
        kind,
        get dataSource() {
          return open().dataSource;
        },
        get config() {
          return open().config;
        },
        get archive() {
          open();
          return archive!;
        },
        get pki() {
          return testPki();
        },
        verify: () => verifyArchive(open().dataSource, { trustedCaPem: testPki().ca.certPem }),
      });
    });
  }
}
