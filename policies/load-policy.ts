/**
 * Loads a policy: YAML text → schema (defaults applied) → cross-field checks
 * → version. Collects every problem before failing, with its path, so the
 * author fixes them in one go (as gateway/config/load-config.ts does).
 */
import { readFileSync } from 'node:fs';
import { parseDocument, type YAMLError } from 'yaml';
import { policyProblems } from './cross-field';
import { policySchema, type Policy } from './schema';
import { policyVersion } from './version';

/** A validated policy and its version (sha256 hex of its canonical form). */
export interface LoadedPolicy {
  policy: Policy;
  version: string;
}

/** Raised when a policy is invalid; `problems` lists every one found, each with its path. */
export class PolicyError extends Error {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`invalid policy ${source} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'PolicyError';
  }
}

/**
 * Parse and validate policy YAML text. `source` names it in messages.
 * @throws PolicyError listing every problem
 */
export function parsePolicy(yamlText: string, source = 'policy'): LoadedPolicy {
  const doc = parseDocument(yamlText);
  if (doc.errors.length > 0) throw new PolicyError(source, doc.errors.map(yamlProblem));
  return validatePolicy(doc.toJS({ maxAliasCount: 100 }) as unknown, source);
}

/** One YAML error as `line L, column C: message` (the yaml library's pretty form without its excerpt). */
export function yamlProblem(error: YAMLError): string {
  const first = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:$/, '');
  return error.linePos ? `line ${error.linePos[0].line}, column ${error.linePos[0].col}: ${first}` : first;
}

/**
 * Validate an already-parsed policy tree (inline policies in case files).
 * @throws PolicyError listing every problem
 */
export function validatePolicy(tree: unknown, source = 'policy'): LoadedPolicy {
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) throw new PolicyError(source, ['(root): the top level must be a mapping']);
  const result = policySchema.safeParse(tree);
  if (!result.success) {
    throw new PolicyError(source, result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  const problems = policyProblems(result.data);
  if (problems.length > 0) throw new PolicyError(source, problems);
  return { policy: result.data, version: policyVersion(result.data) };
}

/**
 * Read and validate a policy file.
 * @throws PolicyError listing every problem (an unreadable file is one)
 */
export function loadPolicyFile(path: string): LoadedPolicy {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new PolicyError(path, [`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  return parsePolicy(text, path);
}
