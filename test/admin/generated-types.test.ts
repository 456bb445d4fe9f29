/** The CI check: the checked-in generated types equal a fresh generation from openapi.yaml. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const SPEC = path.join(ROOT, 'gateway/admin-api/openapi.yaml');

// openapi-typescript is ESM; the generator runs under tsx, exactly as a developer and CI run it.
const check = (...extra: string[]) => spawnSync(TSX, ['gateway/admin-api/generate-types.ts', '--check', ...extra], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

describe('generated OpenAPI types', () => {
  it('are current with openapi.yaml (regenerate: tsx gateway/admin-api/generate-types.ts)', () => {
    const result = check();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('fail the check when the spec changed and the types were not regenerated', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cgw-openapi-'));
    try {
      const changed = path.join(dir, 'openapi.yaml');
      const spec = readFileSync(SPEC, 'utf8');
      const edited = spec.replace('enum: [pending, approved, rejected, expired]', 'enum: [pending, approved, rejected, expired, withdrawn]');
      expect(edited).not.toBe(spec);
      writeFileSync(changed, edited);
      const result = check('--spec', changed);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('openapi.d.ts is stale');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
