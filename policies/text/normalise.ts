/**
 * The lexicon normaliser: the same folding for lexicon terms (at prepare
 * time) and message text (per message), so a term matches however the text
 * dresses it up. Per character:
 *   1. NFKC: full-width → half-width (`ＧＵＡＲＡＮＴＥＥＤ`), circled and
 *      mathematical letters and digits → plain ones (`𝐠𝐮𝐚𝐫𝐚𝐧𝐭𝐞𝐞𝐝`, `①`);
 *   2. lower case;
 *   3. Latin letters lose diacritics (`é` → `e`), so combining marks cannot split a word;
 *   4. traditional / HK / TW variants → simplified Chinese (`穩賺` → `稳赚`);
 *   5. separators are removed: spaces, punctuation, symbols (incl. emoji),
 *      control and format characters (zero-width space/joiner, BOM, soft
 *      hyphen) and stray combining marks, so `保 本`, `保-本`, `保\u200b本`
 *      and `保★本` all read `保本`.
 * It works per UTF-16 code unit through a 64K table built once (the hot path
 * is one array read per code unit); astral characters take a slower path.
 * Idempotent by construction: every table output is its own fixed point.
 */
import { traditionalToSimplifiedChars } from './cjk-variants';

/** Table value: a code unit ≥ 0, or one of these markers. */
export const DROP = -1;
export const EXPANDS = -2;
export const SURROGATE = -3;

// What is removed between characters (step 5). \p{M} only reaches here when
// it is not part of a Latin letter (step 3 handled those).
const SEPARATOR = /^[\p{Z}\p{P}\p{S}\p{Cc}\p{Cf}\p{M}\s]$/u;
const LATIN_WITH_MARKS = /^([a-z])\p{M}+$/u;

export interface NormaliseTable {
  /** Per code unit: the single code unit it becomes, DROP, EXPANDS (see `expansions`) or SURROGATE. */
  units: Int32Array;
  /** Outputs longer than one code unit (NFKC `㍿` → `株式会社`, `ﬁ` → `fi`). */
  expansions: Map<number, string>;
}

let table: NormaliseTable | undefined;

/** The per-code-unit table, built on first use (≈ 100 ms, then cached for the process). */
export function normaliseTable(): NormaliseTable {
  if (table) return table;
  const t2s = traditionalToSimplifiedChars();
  const outputs: string[] = new Array<string>(0x10000);
  for (let c = 0; c < 0x10000; c++) outputs[c] = c >= 0xd800 && c <= 0xdfff ? '' : foldOnce(String.fromCharCode(c), t2s);
  // Fixed point: an output character must fold to itself (a chain like A → B → C becomes A → C).
  for (let round = 0; round < 4; round++) {
    let changed = false;
    for (let c = 0; c < 0x10000; c++) {
      const out = outputs[c]!;
      if (out.length === 0) continue;
      let next = '';
      for (const ch of out) next += ch.length === 1 ? outputs[ch.charCodeAt(0)]! : foldAstral(ch, t2s);
      if (next !== out) {
        outputs[c] = next;
        changed = true;
      }
    }
    if (!changed) break;
  }
  const units = new Int32Array(0x10000);
  const expansions = new Map<number, string>();
  for (let c = 0; c < 0x10000; c++) {
    const out = outputs[c]!;
    if (c >= 0xd800 && c <= 0xdfff) units[c] = SURROGATE;
    else if (out.length === 0) units[c] = DROP;
    else if (out.length === 1) units[c] = out.charCodeAt(0);
    else {
      units[c] = EXPANDS;
      expansions.set(c, out);
    }
  }
  table = { units, expansions };
  return table;
}

/** Steps 1–5 for one character (a BMP code unit or an astral code point). */
function foldOnce(ch: string, t2s: Map<string, string>): string {
  let out = '';
  for (const part of ch.normalize('NFKC').toLowerCase()) {
    let c = part;
    const decomposed = LATIN_WITH_MARKS.exec(c.normalize('NFD'));
    if (decomposed) c = decomposed[1]!;
    c = t2s.get(c) ?? c;
    if (SEPARATOR.test(c)) continue;
    out += c;
  }
  return out;
}

/** An astral character (surrogate pair): folded on the fly, then each resulting BMP unit through the table. */
export function foldAstral(ch: string, t2s: Map<string, string> = traditionalToSimplifiedChars()): string {
  const once = foldOnce(ch, t2s);
  if (table === undefined) return once;
  let out = '';
  for (const part of once) out += part.length === 1 ? emitUnit(part.charCodeAt(0), table) : part;
  return out;
}

function emitUnit(unit: number, t: NormaliseTable): string {
  const v = t.units[unit]!;
  if (v >= 0) return String.fromCharCode(v);
  if (v === EXPANDS) return t.expansions.get(unit)!;
  return '';
}

/** The normalised form of `text` (what lexicon terms are compiled from; tests and tools). */
export function normaliseText(text: string): string {
  const t = normaliseTable();
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const v = t.units[unit]!;
    if (v >= 0) out += String.fromCharCode(v);
    else if (v === EXPANDS) out += t.expansions.get(unit)!;
    else if (v === SURROGATE) {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) {
        out += foldAstral(String.fromCodePoint(cp));
        i++;
      } // a lone surrogate is dropped
    }
  }
  return out;
}

/** True for the code units a word boundary is judged by: a–z and 0–9 after folding. */
export function isLatinWordUnit(unit: number): boolean {
  return (unit >= 0x61 && unit <= 0x7a) || (unit >= 0x30 && unit <= 0x39);
}
