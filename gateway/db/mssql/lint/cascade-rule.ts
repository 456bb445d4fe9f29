/**
 * SQL Server refuses a foreign key whose ON DELETE / ON UPDATE action would
 * reach a table by two routes or come back round (error 1785, "may cause
 * cycles or multiple cascade paths"), which PostgreSQL and SQLite accept. Any
 * action other than NO ACTION counts: CASCADE, SET NULL, SET DEFAULT.
 */
import type { LintFinding } from './finding';
import type { ForeignKeyFact } from './parse-ddl';

type Action = 'onDelete' | 'onUpdate';
type Path = ForeignKeyFact[];

function cascadingEdges(foreignKeys: ForeignKeyFact[], action: Action): Map<string, ForeignKeyFact[]> {
  const edges = new Map<string, ForeignKeyFact[]>();
  for (const fk of foreignKeys) {
    const value = fk[action];
    if (!value || value === 'NO ACTION') continue;
    const parent = fk.referencedTable.toLowerCase();
    edges.set(parent, [...(edges.get(parent) ?? []), fk]);
  }
  return edges;
}

/** Every cascade path from `start`, stopping where a path revisits a table (a cycle). */
function pathsFrom(start: string, edges: Map<string, ForeignKeyFact[]>): { paths: Map<string, Path[]>; cycles: Path[] } {
  const paths = new Map<string, Path[]>();
  const cycles: Path[] = [];
  const walk = (table: string, visited: string[], path: Path) => {
    for (const fk of edges.get(table) ?? []) {
      const child = fk.table.toLowerCase();
      const next = [...path, fk];
      if (visited.includes(child)) {
        cycles.push(next);
        continue;
      }
      paths.set(child, [...(paths.get(child) ?? []), next]);
      walk(child, [...visited, child], next);
    }
  };
  walk(start, [start], []);
  return { paths, cycles };
}

const describe = (path: Path) => path.map((fk) => `"${fk.name}"`).join(' → ');
const latestLine = (paths: Path[]) => Math.max(...paths.flat().map((fk) => fk.line));

/** Findings for cycles and multiple cascade paths among the given foreign keys. */
export function cascadePathRule(foreignKeys: ForeignKeyFact[]): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const action of ['onDelete', 'onUpdate'] as const) {
    const clause = action === 'onDelete' ? 'ON DELETE' : 'ON UPDATE';
    const edges = cascadingEdges(foreignKeys, action);
    const fix = 'SQL Server rejects it (error 1785); use NO ACTION and delete in code';
    for (const start of edges.keys()) {
      const { paths, cycles } = pathsFrom(start, edges);
      for (const [table, routes] of paths) {
        if (routes.length < 2) continue;
        const message = `${clause} actions reach ${table} from ${start} by ${routes.length} paths (${routes.map(describe).join('; ')}): ${fix}`;
        findings.push({ rule: 'cascade-paths', line: latestLine(routes), message });
      }
      for (const cycle of cycles) {
        const message = `${clause} actions form a cycle from ${start} (${describe(cycle)}): ${fix}`;
        findings.push({ rule: 'cascade-paths', line: latestLine([cycle]), message });
      }
    }
  }
  return findings;
}
