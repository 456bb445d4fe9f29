/** The migrated SQLite template file: built once per schema hash, copied per test file. */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { createDataSource, runMigrations } from '../gateway/db/data-source';
import { sqliteDirectory, sqliteTemplatePath, STALE_AFTER_MS, TEMPLATE_UNUSED_AFTER_MS } from './db-templates';

/** Removes per-test copies of crashed runs, and templates (mtime = last use) unused for a week. */
async function removeLeftovers(dir: string): Promise<void> {
  for (const file of await readdir(dir)) {
    const maxAge = file.startsWith('t-') ? STALE_AFTER_MS : file.startsWith('template-') ? TEMPLATE_UNUSED_AFTER_MS : undefined;
    if (maxAge === undefined) continue;
    const full = path.join(dir, file);
    const info = await stat(full).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > maxAge) await rm(full, { force: true });
  }
}

/** Ensures the migrated template for `hash` exists; says whether it had to be built. */
export async function ensureSqliteTemplate(hash: string): Promise<{ path: string; built: boolean }> {
  const dir = sqliteDirectory();
  await mkdir(dir, { recursive: true });
  await removeLeftovers(dir);
  const template = sqliteTemplatePath(hash);
  if (existsSync(template)) {
    const now = new Date();
    await utimes(template, now, now);
    return { path: template, built: false };
  }
  // Build beside it and rename: a concurrent run sees either no template or a complete one.
  const building = `${template}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const dataSource = createDataSource({ type: 'sqlite', path: building });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
    // Fold the WAL into the main file so copying that one file copies everything.
    await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    await dataSource.destroy();
  }
  await rm(`${building}-wal`, { force: true });
  await rm(`${building}-shm`, { force: true });
  await rename(building, template);
  return { path: template, built: true };
}
