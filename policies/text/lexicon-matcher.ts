/**
 * Lexicon matching: terms and their exception phrases, normalised
 * (normalise.ts) and compiled into one Aho–Corasick automaton; a text is
 * normalised and scanned in the same single pass.
 *
 * Word boundaries (Latin terms). Separators are removed before matching, so
 * `g-u-a-r-a-n-t-e-e-d` still matches; but a Latin term must not fire inside
 * an unrelated longer word. A term end that is a letter or digit (a–z, 0–9
 * after folding) must therefore sit at a word boundary of the original text:
 * the start or end of the text, a removed separator, or a neighbour that is
 * not a Latin letter or digit (CJK included: `保证guaranteed回报` matches).
 * So `guaranteed` does not fire in `unguaranteed` or `guaranteedly`, and does
 * fire in `un-guaranteed` (accepted: a hyphen is a boundary). Because spaces
 * are removed, a multi-word term also matches across punctuation (`risk,
 * free` for `risk free`): accepted for recall; the exception list or the
 * `flag` action keeps such terms cheap. `wholeWord: false` turns the check
 * off for stems (`guarant`). CJK has no word boundaries: `确保本金` contains
 * `保本`; exception phrases (`不保本`, `确保本`) suppress a hit that lies
 * entirely inside one of them.
 */
import { compileAutomaton, type Automaton } from './aho-corasick';
import { DROP, EXPANDS, foldAstral, isLatinWordUnit, normaliseTable, normaliseText, type NormaliseTable } from './normalise';

/** A term as the matcher sees it; `index` is the caller's (position in its term list). */
export interface MatcherTerm {
  text: string;
  except: readonly string[];
  wholeWord: boolean;
}

/** How many times each term matched in one text (terms that did not match are absent). */
export interface TermCount {
  term: number;
  count: number;
}

export interface LexiconMatcher {
  readonly automaton: Automaton;
  readonly table: NormaliseTable;
  /** Per pattern: the terms whose text it is. */
  readonly termsOf: readonly (readonly number[])[];
  /** Per pattern: the terms it is an exception phrase for. */
  readonly exceptOf: readonly (readonly number[])[];
  readonly wholeWord: readonly boolean[];
  /** Per term: whether it has exception phrases (skips the exception check for most terms). */
  readonly hasExcept: readonly boolean[];
  /** Length (code units, normalised) of the longest exception phrase. */
  readonly longestException: number;
}

/**
 * Compile terms into a matcher.
 * @throws Error naming the term index when a term or exception normalises to nothing
 */
export function compileLexicon(terms: readonly MatcherTerm[]): LexiconMatcher {
  const table = normaliseTable();
  const patterns: string[] = [];
  const byText = new Map<string, number>();
  const termsOf: number[][] = [];
  const exceptOf: number[][] = [];
  const patternFor = (text: string, where: string): number => {
    const normal = normaliseText(text);
    if (normal.length === 0) throw new Error(`${where}: normalises to nothing (only spaces, punctuation or symbols)`);
    let p = byText.get(normal);
    if (p === undefined) {
      p = patterns.length;
      patterns.push(normal);
      byText.set(normal, p);
      termsOf.push([]);
      exceptOf.push([]);
    }
    return p;
  };
  terms.forEach((term, i) => {
    termsOf[patternFor(term.text, `term ${i}`)]!.push(i);
    term.except.forEach((phrase, j) => exceptOf[patternFor(phrase, `term ${i} except ${j}`)]!.push(i));
  });
  const longestException = patterns.reduce((max, p, i) => (exceptOf[i]!.length > 0 ? Math.max(max, p.length) : max), 0);
  return { automaton: compileAutomaton(patterns), table, termsOf, exceptOf, wholeWord: terms.map((t) => t.wholeWord), hasExcept: terms.map((t) => t.except.length > 0), longestException };
}

// Scratch space reused across scans (single-threaded; never escapes a call).
let units = new Uint16Array(4096);
let gaps = new Uint8Array(4097);
let hitPattern = new Uint32Array(64);
let hitEnd = new Uint32Array(64);

/** Scan one text: every term that matches, with its count (terms in ascending index order). */
export function scanText(matcher: LexiconMatcher, text: string): TermCount[] {
  const { classOf, classes, delta, outStart, outputs } = matcher.automaton;
  const table = matcher.table.units;
  let n = 0;
  let hits = 0;
  let gap = 1; // the start of the text is a boundary
  let state = 0;
  const push = (unit: number): void => {
    if (n + 1 >= units.length) grow();
    units[n] = unit;
    gaps[n] = gap;
    gap = 0;
    state = delta[state * classes + classOf[unit]!]!;
    const from = outStart[state]!;
    const to = outStart[state + 1]!;
    for (let k = from; k < to; k++) {
      if (hits === hitPattern.length) growHits();
      hitPattern[hits] = outputs[k]!;
      hitEnd[hits++] = n;
    }
    n++;
  };
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const v = table[unit]!;
    if (v >= 0) {
      // Inlined fast path of push(): most code units land here.
      if (n + 1 >= units.length) grow();
      units[n] = v;
      gaps[n] = gap;
      gap = 0;
      state = delta[state * classes + classOf[v]!]!;
      if (outStart[state] !== outStart[state + 1]) {
        for (let k = outStart[state]!; k < outStart[state + 1]!; k++) {
          if (hits === hitPattern.length) growHits();
          hitPattern[hits] = outputs[k]!;
          hitEnd[hits++] = n;
        }
      }
      n++;
    } else if (v === DROP) {
      gap = 1;
    } else {
      let expanded: string;
      if (v === EXPANDS) expanded = matcher.table.expansions.get(unit)!;
      else {
        const cp = text.codePointAt(i)!;
        if (cp <= 0xffff) expanded = ''; // lone surrogate
        else {
          expanded = foldAstral(String.fromCodePoint(cp));
          i++;
        }
      }
      if (expanded.length === 0) gap = 1;
      for (let k = 0; k < expanded.length; k++) push(expanded.charCodeAt(k));
    }
  }
  gaps[n] = 1; // the end of the text is a boundary
  return hits === 0 ? [] : resolveHits(matcher, hits);
}

function resolveHits(matcher: LexiconMatcher, hits: number): TermCount[] {
  const counts = new Map<number, number>();
  const lengths = matcher.automaton.lengths;
  // Exception hits, in end order (hits are recorded left to right), for a binary search per term hit.
  const exceptions: number[] = [];
  for (let h = 0; h < hits; h++) if (matcher.exceptOf[hitPattern[h]!]!.length > 0) exceptions.push(h);
  for (let h = 0; h < hits; h++) {
    const pattern = hitPattern[h]!;
    const end = hitEnd[h]!;
    const start = end + 1 - lengths[pattern]!;
    for (const term of matcher.termsOf[pattern]!) {
      if (matcher.wholeWord[term] && !atWordBoundaries(start, end)) continue;
      if (matcher.hasExcept[term] && insideException(matcher, exceptions, term, start, end)) continue;
      counts.set(term, (counts.get(term) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => a[0] - b[0]).map(([term, count]) => ({ term, count }));
}

function atWordBoundaries(start: number, end: number): boolean {
  if (isLatinWordUnit(units[start]!) && gaps[start] === 0 && isLatinWordUnit(units[start - 1]!)) return false;
  if (isLatinWordUnit(units[end]!) && gaps[end + 1] === 0 && isLatinWordUnit(units[end + 1]!)) return false;
  return true;
}

/** Whether an exception hit of `term` covers [start, end]. Only exceptions ending within the longest exception's reach are looked at, so a text full of hits stays linear. */
function insideException(matcher: LexiconMatcher, exceptions: readonly number[], term: number, start: number, end: number): boolean {
  const lengths = matcher.automaton.lengths;
  let lo = 0;
  let hi = exceptions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (hitEnd[exceptions[mid]!]! < end) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < exceptions.length; k++) {
    const h = exceptions[k]!;
    const exceptEnd = hitEnd[h]!;
    if (exceptEnd >= start + matcher.longestException) break;
    const pattern = hitPattern[h]!;
    if (exceptEnd + 1 - lengths[pattern]! <= start && matcher.exceptOf[pattern]!.includes(term)) return true;
  }
  return false;
}

function grow(): void {
  const nextUnits = new Uint16Array(units.length * 2);
  nextUnits.set(units);
  units = nextUnits;
  const nextGaps = new Uint8Array(units.length + 1);
  nextGaps.set(gaps);
  gaps = nextGaps;
}

function growHits(): void {
  const p = new Uint32Array(hitPattern.length * 2);
  p.set(hitPattern);
  hitPattern = p;
  const e = new Uint32Array(hitEnd.length * 2);
  e.set(hitEnd);
  hitEnd = e;
}
