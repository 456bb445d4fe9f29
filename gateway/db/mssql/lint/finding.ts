/** What a lint rule reports. */

/** Rule ids; each has a negative case in the lint test. */
export type LintRule =
  | 'boolean-type'
  | 'deprecated-lob-type'
  | 'auto-increment'
  | 'limit-offset'
  | 'create-if-not-exists'
  | 'postgres-type'
  | 'string-length'
  | 'index-key-size'
  | 'unique-nullable'
  | 'identifier-length'
  | 'reserved-word'
  | 'cascade-paths'
  | 'unsupported-type';

/** One problem: which rule, why, and where (file and line when known). */
export interface LintFinding {
  rule: LintRule;
  message: string;
  file?: string;
  line?: number;
}
