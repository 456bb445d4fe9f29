/**
 * The shared runner of data-driven policy cases (formats: case-runner/case-schema.ts
 * for outbound decisions, case-runner/supervision-case.ts for files that say
 * `kind: supervision`): policies/cases.test.ts runs every file with jest,
 * `cgw policies test FILE...` runs the files it is given. A malformed file
 * (YAML, schema or its policy) is a CaseFileError, distinct from a case that fails.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { Decision } from '../connectors/canonical/decision';
import { caseContext } from './case-runner/case-context';
import { compareDecision } from './case-runner/case-compare';
import { caseFileSchema, type CaseFile, type PolicyRef } from './case-runner/case-schema';
import type { PolicyContext } from './context';
import { compareSupervision, supervisionCaseFileSchema, supervisionCaseInput, type SupervisionExpectation } from './case-runner/supervision-case';
import { evaluate } from './evaluate';
import { supervise, type CapturedMessage, type SupervisionResult } from './supervise';
import { loadPolicyFile, PolicyError, validatePolicy, yamlProblem, type LoadedPolicy } from './load-policy';
import { preparePolicy, type PreparedPolicy } from './prepare';

/** The case file cannot be run; `problems` says why, each with its path. */
export class CaseFileError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`malformed case file ${file}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'CaseFileError';
  }
}

/** An outbound case: a message and its context, expecting a Decision. */
export interface PreparedDecisionCase {
  kind: 'decision';
  name: string;
  /** The case's own policy, or its file's. */
  prepared: PreparedPolicy;
  context: PolicyContext;
  expect: CaseFile['cases'][number]['expect'];
}

/** A supervision case: a captured message, expecting supervision findings. */
export interface PreparedSupervisionCase {
  kind: 'supervision';
  name: string;
  prepared: PreparedPolicy;
  message: CapturedMessage;
  now: number;
  expect: SupervisionExpectation;
}

export type PreparedCase = PreparedDecisionCase | PreparedSupervisionCase;

export interface LoadedCaseFile {
  file: string;
  /** The file's policy (undefined when every case names its own). */
  prepared: PreparedPolicy | undefined;
  cases: PreparedCase[];
}

export interface CaseResult {
  name: string;
  passed: boolean;
  /** One line per difference; empty when passed. */
  diff: string[];
  /** The decision of an outbound case. */
  decision?: Decision;
  /** The result of a supervision case. */
  supervision?: SupervisionResult;
}

// Case files share policies (most use default-policy.yaml): prepare each file once per process.
const preparedByPath = new Map<string, PreparedPolicy>();

/**
 * Read, validate and prepare a case file.
 * @throws CaseFileError when the file, its schema or its policy is malformed
 */
export function loadCaseFile(file: string): LoadedCaseFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CaseFileError(file, [`cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new CaseFileError(file, doc.errors.map(yamlProblem));
  const tree = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (tree !== null && typeof tree === 'object' && (tree as { kind?: unknown }).kind === 'supervision') return loadSupervisionCases(file, tree);
  const parsed = caseFileSchema.safeParse(tree);
  if (!parsed.success) throw new CaseFileError(file, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  const filePolicy = parsed.data.policy === undefined ? undefined : preparedPolicyOf(parsed.data.policy, file, 'policy');
  const cases = parsed.data.cases.map((entry, index): PreparedCase => {
    const prepared = casePolicy(file, filePolicy, entry.policy, index);
    return { kind: 'decision', name: entry.name, prepared, context: caseContext(entry, parsed.data.defaults, index), expect: entry.expect };
  });
  return { file, prepared: filePolicy, cases };
}

function loadSupervisionCases(file: string, tree: unknown): LoadedCaseFile {
  const parsed = supervisionCaseFileSchema.safeParse(tree);
  if (!parsed.success) throw new CaseFileError(file, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  const filePolicy = parsed.data.policy === undefined ? undefined : preparedPolicyOf(parsed.data.policy, file, 'policy');
  const cases = parsed.data.cases.map((entry, index): PreparedCase => {
    const prepared = casePolicy(file, filePolicy, entry.policy, index);
    return { kind: 'supervision', name: entry.name, prepared, ...supervisionCaseInput(entry, parsed.data.defaults), expect: entry.expect };
  });
  return { file, prepared: filePolicy, cases };
}

function casePolicy(file: string, filePolicy: PreparedPolicy | undefined, own: PolicyRef | undefined, index: number): PreparedPolicy {
  const prepared = own === undefined ? filePolicy : preparedPolicyOf(own, file, `cases.${index}.policy`);
  if (!prepared) throw new CaseFileError(file, [`cases.${index}: no policy (give one at the top of the file or in the case)`]);
  return prepared;
}

function preparedPolicyOf(policy: PolicyRef, file: string, where: string): PreparedPolicy {
  try {
    if (typeof policy !== 'string') return preparePolicy(validatePolicy(policy, `${file} (inline policy)`).policy);
    const policyPath = path.resolve(path.dirname(file), policy);
    let prepared = preparedByPath.get(policyPath);
    if (!prepared) {
      const loaded: LoadedPolicy = loadPolicyFile(policyPath);
      prepared = preparePolicy(loaded.policy);
      preparedByPath.set(policyPath, prepared);
    }
    return prepared;
  } catch (err) {
    if (err instanceof PolicyError) throw new CaseFileError(file, err.problems.map((p) => `${where}: ${p}`));
    throw err;
  }
}

/** Evaluate one prepared case and compare. */
export function runCase(c: PreparedCase): CaseResult {
  if (c.kind === 'supervision') {
    const supervision = supervise(c.prepared, c.message, c.now);
    const diff = compareSupervision(supervision, c.expect);
    return { name: c.name, passed: diff.length === 0, diff, supervision };
  }
  const decision = evaluate(c.prepared, c.context);
  const diff = compareDecision(decision, c.expect, c.context.message);
  return { name: c.name, passed: diff.length === 0, diff, decision };
}

/**
 * Run every case of a file.
 * @throws CaseFileError when the file is malformed
 */
export function runCaseFile(file: string): { file: string; policyVersion: string | undefined; results: CaseResult[] } {
  const loaded = loadCaseFile(file);
  return { file, policyVersion: loaded.prepared?.version, results: loaded.cases.map(runCase) };
}
