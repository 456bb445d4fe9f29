/**
 * Loads the configuration: YAML file → `*File` secret indirections → CGW_*
 * environment overrides (with `_FILE` variants) → schema → cross-field checks.
 * Collects every problem before failing, so an operator fixes them in one go.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { configSchema, type GatewayConfig } from './schema';
import { crossFieldProblems } from './cross-field';

/** Raised when the configuration is invalid; `problems` lists every one found. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** YAML file path; none means "defaults plus environment". */
  path?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra values merged over the file before the environment (used by demo mode and tests). */
  overlay?: Record<string, unknown>;
}

type Tree = Record<string, unknown>;

/** Load, resolve and validate the configuration. @throws ConfigError listing every problem. */
export function loadConfig(options: LoadConfigOptions = {}): GatewayConfig {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  let tree: Tree = {};
  if (options.path) {
    try {
      const parsed: unknown = parseYaml(readFileSync(options.path, 'utf8'));
      if (parsed !== null && parsed !== undefined) {
        if (typeof parsed !== 'object' || Array.isArray(parsed)) problems.push(`${options.path}: the top level must be a mapping`);
        else tree = parsed as Tree;
      }
    } catch (err) {
      problems.push(`${options.path}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (options.overlay) tree = deepMerge(tree, options.overlay);
  resolveFileIndirections(tree, '', problems);
  applyEnvOverrides(tree, env, problems);
  const result = configSchema.safeParse(tree);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
    problems.push(...bestEffortCrossField(tree));
    throw new ConfigError(problems);
  }
  problems.push(...crossFieldProblems(result.data));
  if (problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

/**
 * Cross-field checks on a tree that failed the schema, so duplicates and
 * dangling subscriptions are reported in the same round as type errors.
 * Fields the schema rejected are skipped, not guessed.
 */
function bestEffortCrossField(tree: Tree): string[] {
  const list = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : []);
  const accounts = list(tree.accounts);
  const apps = list(tree.apps).map((a) => ({
    ...a,
    credentials: typeof a.credentials === 'object' && a.credentials !== null ? a.credentials : {},
    subscribes: Array.isArray(a.subscribes) ? a.subscribes : [],
    repliesFor: Array.isArray(a.repliesFor) ? a.repliesFor : [],
    sends: Array.isArray(a.sends) ? a.sends : [],
    owners: Array.isArray(a.owners) ? a.owners : ['(unchecked)'],
  }));
  const corps = list(tree.corps).map((c) => ({ ...c, agents: Array.isArray(c.agents) ? c.agents : [] }));
  const server = typeof tree.server === 'object' && tree.server !== null ? tree.server : {};
  const database = typeof tree.database === 'object' && tree.database !== null ? tree.database : { type: 'sqlite' };
  try {
    return crossFieldProblems({ accounts, apps, corps, server: { workers: 1, ...server }, database } as unknown as GatewayConfig);
  } catch {
    return [];
  }
}

/** Replace every `xFile: path` with `x: <file contents>` so secrets can come from mounted files. */
function resolveFileIndirections(node: unknown, path: string, problems: string[]): void {
  if (node === null || typeof node !== 'object') return;
  const entries = Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node);
  for (const [key, value] of entries) {
    const here = path ? `${path}.${key}` : key;
    if (!Array.isArray(node) && key.endsWith('File') && key.length > 4 && typeof value === 'string') {
      const target = key.slice(0, -4);
      const obj = node as Tree;
      if (obj[target] !== undefined) problems.push(`${here}: both ${target} and ${key} are set; use one`);
      const content = readSecretFile(value, here, problems);
      if (content !== undefined) obj[target] = content;
      delete obj[key];
      continue;
    }
    resolveFileIndirections(value, here, problems);
  }
}

function readSecretFile(file: string, where: string, problems: string[]): string | undefined {
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    problems.push(`${where}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}

/**
 * CGW_SERVER__PORT=9090 sets server.port; CGW_ACCOUNTS__0__APP_SECRET_FILE=/run/s
 * reads accounts[0].appSecret from a file. Segments match existing keys
 * ignoring case and underscores; values are parsed as YAML scalars.
 */
function applyEnvOverrides(tree: Tree, env: NodeJS.ProcessEnv, problems: string[]): void {
  for (const [name, raw] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.startsWith('CGW_') || raw === undefined || name === 'CGW_CONFIG') continue;
    let segments = name.slice(4).split('__');
    let value: unknown;
    const last = segments[segments.length - 1] ?? '';
    if (last.endsWith('_FILE')) {
      segments = [...segments.slice(0, -1), last.slice(0, -5)];
      value = readSecretFile(raw, name, problems);
      if (value === undefined) continue;
    } else {
      value = parseScalar(raw);
    }
    setPath(tree, segments, value);
  }
}

function parseScalar(raw: string): unknown {
  try {
    const v: unknown = parseYaml(raw);
    return typeof v === 'object' && v !== null ? raw : v;
  } catch {
    return raw;
  }
}

function normalise(segment: string): string {
  return segment.replace(/_/g, '').toLowerCase();
}

function setPath(tree: Tree, segments: string[], value: unknown): void {
  let node: Record<string, unknown> | unknown[] = tree;
  segments.forEach((segment, i) => {
    const isLast = i === segments.length - 1;
    let key: string | number;
    if (Array.isArray(node)) key = Number(segment);
    else key = Object.keys(node).find((k) => normalise(k) === normalise(segment)) ?? camel(segment);
    if (isLast) {
      (node as Record<string | number, unknown>)[key] = value;
      return;
    }
    const container = node as Record<string | number, unknown>;
    let next = container[key];
    if (next === null || typeof next !== 'object') {
      next = /^\d+$/.test(segments[i + 1] ?? '') ? [] : {};
      container[key] = next;
    }
    node = next as Record<string, unknown> | unknown[];
  });
}

function camel(segment: string): string {
  return segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function deepMerge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = b && typeof b === 'object' && !Array.isArray(b) && v && typeof v === 'object' && !Array.isArray(v) ? deepMerge(b as Tree, v as Tree) : v;
  }
  return out;
}
