/**
 * Generates `generated/openapi.d.ts` from `openapi.yaml` with openapi-typescript's Node API.
 * The spec is the source; the generated file is checked in so handlers and `cgw` type-check
 * without a build step, and `--check` (run by a test, as CI does) fails when it is stale.
 *
 * Usage: tsx gateway/admin-api/generate-types.ts [--check] [--spec FILE] [--out FILE]
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The spec this module generates from. */
export const SPEC_PATH = path.join(__dirname, 'openapi.yaml');
/** The checked-in generated types. */
export const GENERATED_PATH = path.join(__dirname, 'generated', 'openapi.d.ts');

const HEADER = [
  '/**',
  ' * Generated from gateway/admin-api/openapi.yaml by gateway/admin-api/generate-types.ts; do not edit.',
  ' * Regenerate: tsx gateway/admin-api/generate-types.ts (a test fails while this file is stale).',
  ' */',
  '',
].join('\n');

/** The text generate writes: the header, then openapi-typescript's output for the spec. */
export async function generateTypes(specPath: string = SPEC_PATH): Promise<string> {
  // openapi-typescript is ESM; a dynamic import keeps this module loadable from CommonJS.
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const ast = await openapiTS(pathToFileURL(specPath), { alphabetize: true, immutable: false, exportType: false });
  return HEADER + astToString(ast);
}

/** Whether `generatedPath` equals a fresh generation from `specPath`. */
export async function generatedIsCurrent(specPath: string = SPEC_PATH, generatedPath: string = GENERATED_PATH): Promise<boolean> {
  const [fresh, current] = await Promise.all([generateTypes(specPath), readFile(generatedPath, 'utf8').catch(() => '')]);
  return fresh === current;
}

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? path.resolve(process.argv[i + 1]!) : fallback;
}

async function main(): Promise<void> {
  const spec = flag('--spec', SPEC_PATH);
  const out = flag('--out', GENERATED_PATH);
  if (process.argv.includes('--check')) {
    if (!(await generatedIsCurrent(spec, out))) {
      process.stderr.write(`${path.relative(process.cwd(), out)} is stale: run tsx gateway/admin-api/generate-types.ts and commit the result\n`);
      process.exitCode = 1;
    }
    return;
  }
  await writeFile(out, await generateTypes(spec));
  process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
