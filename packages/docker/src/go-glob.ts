// Owns Go's filepath.Match on '/'-separated paths, the glob `docker build` applies to COPY and ADD
// sources: `*` and `?` never cross a '/', `[...]` classes (negated with `^`) may, `\` escapes the
// next character. Leaves deciding which context files a source names to context-sources.ts.

/** True when `source` has a glob character (`*`, `?`, `[`), as Docker's containsWildcards says. */
export function hasWildcards(source: string): boolean {
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/**
 * `pattern` as a RegExp matching whole paths, or undefined when Go would reject it
 * (filepath.ErrBadPattern: an unclosed class, an empty class, a trailing escape).
 */
export function goGlob(pattern: string): RegExp | undefined {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      if (i + 1 >= pattern.length) return undefined;
      out += escapeChar(pattern[++i]!);
    } else if (c === '[') {
      const cls = readClass(pattern, i + 1);
      if (!cls) return undefined;
      out += cls.regex;
      i = cls.end;
    } else out += escapeChar(c);
  }
  return new RegExp(`${out}$`, 'u');
}

/** One `[...]` class starting after its '['; `end` is the index of its ']'. */
function readClass(pattern: string, start: number): { regex: string; end: number } | undefined {
  let i = start;
  let negated = false;
  if (pattern[i] === '^') {
    negated = true;
    i++;
  }
  let body = '';
  let ranges = 0;
  for (;;) {
    if (i >= pattern.length) return undefined;
    if (pattern[i] === ']' && ranges > 0) break;
    const lo = readClassChar(pattern, i);
    if (!lo) return undefined;
    i = lo.next;
    let hi = lo;
    if (pattern[i] === '-') {
      const h = readClassChar(pattern, i + 1);
      if (!h) return undefined;
      hi = h;
      i = h.next;
    }
    // Go accepts an inverted range (z-a), which matches nothing.
    if (hi.char >= lo.char)
      body +=
        lo.char === hi.char ? escapeClassChar(lo.char) : `${escapeClassChar(lo.char)}-${escapeClassChar(hi.char)}`;
    ranges++;
  }
  return { regex: `[${negated ? '^' : ''}${body}]`, end: i };
}

function readClassChar(pattern: string, i: number): { char: string; next: number } | undefined {
  let c = pattern[i];
  // Go refuses an unescaped '-' or ']' where a character is expected, and a class cut short.
  if (c === undefined || c === '-' || c === ']') return undefined;
  if (c === '\\') {
    c = pattern[i + 1];
    if (c === undefined) return undefined;
    return { char: c, next: i + 2 };
  }
  return { char: c, next: i + 1 };
}

function escapeChar(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

function escapeClassChar(c: string): string {
  return /[\\\]^-]/.test(c) ? `\\${c}` : c;
}
