/**
 * RFC 6901 JSON Pointers into a message body: read a string, and write
 * strings copy-on-write (the submitted body is archived as submitted, so a
 * transform must never modify it in place).
 */

/** `/a/b~1c/0` → ['a', 'b/c', '0']. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at `pointer`, or undefined when the path does not exist. */
export function getAtPointer(body: unknown, pointer: string): unknown {
  let node: unknown = body;
  for (const segment of pointerSegments(pointer)) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** A copy of `body` with each pointer's string replaced; untouched branches are shared. Every pointer must resolve. */
export function withStrings(body: Record<string, unknown>, rewrites: ReadonlyMap<string, string>): Record<string, unknown> {
  let out = body;
  for (const [pointer, value] of rewrites) out = setAt(out, pointerSegments(pointer), 0, value) as Record<string, unknown>;
  return out;
}

function setAt(node: unknown, segments: string[], depth: number, value: string): unknown {
  if (depth === segments.length) return value;
  const key = segments[depth]!;
  if (Array.isArray(node)) {
    const copy = node.slice();
    copy[Number(key)] = setAt(node[Number(key)], segments, depth + 1, value);
    return copy;
  }
  const record = node as Record<string, unknown>;
  return { ...record, [key]: setAt(record[key], segments, depth + 1, value) };
}
