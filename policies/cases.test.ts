/** Runs every data-driven case in policies/cases/*.yaml (the same runner as `cgw policies test`). */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadCaseFile, runCase } from './run-cases';

const dir = path.join(__dirname, 'cases');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();

describe.each(files)('policy cases %s', (file) => {
  const loaded = loadCaseFile(path.join(dir, file));
  it.each(loaded.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(runCase(c).diff).toEqual([]);
  });
});

it('has at least 60 cases across the case files', () => {
  const total = files.reduce((n, f) => n + loadCaseFile(path.join(dir, f)).cases.length, 0);
  expect(total).toBeGreaterThanOrEqual(60);
});
