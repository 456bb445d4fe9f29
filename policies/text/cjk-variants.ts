/**
 * Traditional → simplified Chinese, one character at a time. OpenCC's phrase
 * dictionaries convert whole words well, but the lexicon normaliser runs
 * per code unit on every message (hot path), and both the terms and the text
 * go through the same map, so a per-character map is enough to make `穩賺`
 * meet `稳赚`. Built once from opencc-js's single-character tables: the
 * Hong Kong and Taiwan variant tables (variant → OpenCC standard traditional)
 * composed with the traditional → simplified table.
 */
import * as OpenCC from 'opencc-js/t2cn';

let cache: Map<string, string> | undefined;

/** Map from a traditional (or HK/TW variant) character to its simplified form; characters not in it stay as they are. */
export function traditionalToSimplifiedChars(): Map<string, string> {
  if (cache) return cache;
  const variants = singleCharEntries([...OpenCC.Locale.from.hk!, ...OpenCC.Locale.from.tw!]);
  const toSimplified = singleCharEntries(OpenCC.Locale.to.cn!);
  const map = new Map<string, string>();
  for (const [source, standard] of variants) map.set(source, toSimplified.get(standard) ?? standard);
  for (const [traditional, simplified] of toSimplified) map.set(traditional, simplified);
  // A variant table target can itself be a key (台 → 臺 → 台): follow chains to their end.
  for (const [source, target] of map) map.set(source, follow(map, target));
  for (const [source, target] of map) if (source === target) map.delete(source);
  cache = map;
  return map;
}

function follow(map: Map<string, string>, start: string): string {
  let current = start;
  for (let i = 0; i < 4; i++) {
    const next = map.get(current);
    if (next === undefined || next === current) return current;
    current = next;
  }
  return current;
}

/** Single-character `source target` pairs of OpenCC dictionaries ("a b|c d" strings or pair lists). */
function singleCharEntries(groups: readonly (readonly (string | readonly (readonly [string, string])[])[])[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const group of groups) {
    for (const dict of group) {
      const pairs = typeof dict === 'string' ? dict.split('|').map((e) => e.split(' ') as [string, string?]) : dict;
      for (const [source, target] of pairs) {
        if (target === undefined || [...source].length !== 1 || [...target].length !== 1) continue;
        if (!out.has(source)) out.set(source, target);
      }
    }
  }
  return out;
}
