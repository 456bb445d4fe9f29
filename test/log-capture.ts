/**
 * Test support for invariant 3 ("none in logs"): capture what a pino logger
 * writes, and find planted secrets, bodies or identifiers in it, also as
 * fragments and also where JSON escaping would hide them.
 */
/** Lines a pino logger wrote, as written. */
export function captureStream(): { lines: string[]; write(chunk: string): void } {
  const lines: string[] = [];
  return {
    lines,
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line !== '') lines.push(line);
    },
  };
}

/** Every string inside a parsed JSON value (keys included), so escaped text (\uXXXX) is compared decoded. */
export function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsIn(v, out);
    }
  } else if (value !== null && value !== undefined) out.push(String(value));
  return out;
}

export interface Planted {
  name: string;
  value: string;
  /** Also fail on any run of this many characters of the value (catches truncated or sliced leaks). */
  window?: number;
}

/** The planted values found in the log lines, as `name in line N`. */
export function findLeaks(lines: readonly string[], planted: readonly Planted[]): string[] {
  const hits: string[] = [];
  lines.forEach((line, n) => {
    let decoded: string;
    try {
      decoded = stringsIn(JSON.parse(line)).join('\n');
    } catch {
      decoded = '';
    }
    for (const p of planted) {
      const w = Math.min(p.window ?? p.value.length, p.value.length);
      for (let i = 0; i + w <= p.value.length; i++) {
        const piece = p.value.slice(i, i + w);
        if (line.includes(piece) || decoded.includes(piece)) {
          hits.push(`${p.name} in line ${n + 1}`);
          break;
        }
      }
    }
  });
  return hits;
}

