/**
 * `cgw policies test FILE...`: runs data-driven policy case files (the same
 * runner as the jest suite) and prints each case with the differences of
 * those that fail. Needs no configuration, database or gateway.
 */
import { CaseFileError, runCaseFile } from '../../policies/run-cases';

/** Exit code: 0 every case passed, 1 some case failed, 2 a file is malformed (its problems on stderr). */
export async function policiesTestCommand(files: string[]): Promise<number> {
  let passed = 0;
  let failed = 0;
  let malformed = 0;
  for (const file of files) {
    let run: ReturnType<typeof runCaseFile>;
    try {
      run = runCaseFile(file);
    } catch (err) {
      if (!(err instanceof CaseFileError)) throw err;
      malformed++;
      process.stderr.write(`${err.message}\n`);
      continue;
    }
    process.stdout.write(`${file}${run.policyVersion ? ` (policy ${run.policyVersion.slice(0, 12)})` : ''}\n`);
    for (const result of run.results) {
      if (result.passed) passed++;
      else failed++;
      process.stdout.write(`  ${result.passed ? 'ok  ' : 'FAIL'}  ${result.name}\n`);
      for (const line of result.diff) process.stdout.write(`          ${line}\n`);
    }
  }
  process.stdout.write(`${passed} passed, ${failed} failed${malformed > 0 ? `, ${malformed} malformed file(s)` : ''}\n`);
  if (malformed > 0) return 2;
  return failed > 0 ? 1 : 0;
}
