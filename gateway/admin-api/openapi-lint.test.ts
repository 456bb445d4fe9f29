import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** Paths of keys whose value is null: in a YAML flow mapping, an unquoted comma in a description silently becomes a new key. */
function nullKeys(node: unknown, path = ''): string[] {
  if (Array.isArray(node)) return node.flatMap((v, i) => nullKeys(v, `${path}[${i}]`));
  if (node !== null && typeof node === 'object') return Object.entries(node).flatMap(([k, v]) => (v === null ? [`${path}/${k}`] : nullKeys(v, `${path}/${k}`)));
  return [];
}

describe('openapi.yaml', () => {
  it('has no keys with a null value (an unquoted comma in a flow-mapping description)', () => {
    const doc = parse(readFileSync(join(__dirname, 'openapi.yaml'), 'utf8')) as unknown;
    expect(nullKeys(doc)).toEqual([]);
  });
});
