// Owns reading a requirements file's lines as pip 23-24 does (req/req_file.py): its line
// splitting, backslash joins, comments, the split of a requirement from its options, and the
// shlex and optparse reading of option lines. Every character keeps where it was written, so a
// path found in a joined line points at its real line and column. Leaves deciding which values
// are paths to pip-paths.ts.

/** A 1-based place in a file. */
export interface Pos {
  line: number;
  column: number;
}

/** A value and the place of its first character. */
export interface Word {
  text: string;
  at: Pos;
}

/** A string with the place of each of its characters in the file. */
export interface Placed {
  text: string;
  at: Pos[];
}

/** Python's str.isspace() characters: what `\s`, strip() and split() mean in pip's (Python's) code. */
export const PY_SPACE =
  '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING_SPACE = new RegExp(`^[${PY_SPACE}]*`);
const TRAILING_SPACE = new RegExp(`[${PY_SPACE}]*$`);
/** str.splitlines() breaks lines at these, not only at \n and \r. */
// eslint-disable-next-line no-control-regex -- Python's line breaks include the separators \x1c-\x1e
const PY_LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;
/** COMMENT_RE: a `#` at the start of the line or after whitespace, to the end. */
const COMMENT = new RegExp(`(^|[${PY_SPACE}]+)#`);
const COMMENT_LINE = new RegExp(`^[${PY_SPACE}]*#`);

export function slice(p: Placed, start: number, end = p.text.length): Placed {
  return { text: p.text.slice(start, end), at: p.at.slice(start, end) };
}

/** Python's strip(): drops the same characters from the text and from its places. */
export function pyStrip(p: Placed): Placed {
  const lead = LEADING_SPACE.exec(p.text)![0].length;
  const rest = slice(p, lead);
  return slice(rest, 0, rest.text.length - TRAILING_SPACE.exec(rest.text)![0].length);
}

function physicalLines(text: string): Placed[] {
  // auto_decode drops a UTF-8 byte order mark before pip reads the lines.
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  const lines = body.split(PY_LINE_BREAK);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((line, i) => ({
    text: line,
    at: Array.from({ length: line.length }, (_, c) => ({ line: i + 1, column: c + 1 })),
  }));
}

/**
 * join_lines: a line ending in `\` (not a comment line) is joined to the next, with every leading
 * and trailing backslash stripped (Python's strip('\\')); a comment line ends a join, behind a
 * space so that its `#` still reads as a comment.
 */
function joinLines(lines: Placed[]): Placed[] {
  const out: Placed[] = [];
  let pending: Placed | undefined;
  for (const line of lines) {
    const comment = COMMENT_LINE.test(line.text);
    if (!line.text.endsWith('\\') || comment) {
      const piece = comment ? { text: ` ${line.text}`, at: [line.at[0]!, ...line.at] } : line;
      out.push(pending ? concat(pending, piece) : piece);
      pending = undefined;
    } else {
      const lead = /^\\*/.exec(line.text)![0].length;
      const trail = /\\*$/.exec(line.text)![0].length;
      const piece = slice(line, Math.min(lead, line.text.length - trail), line.text.length - trail);
      pending = pending ? concat(pending, piece) : piece;
    }
  }
  if (pending) out.push(pending);
  return out;
}

function concat(a: Placed, b: Placed): Placed {
  return { text: a.text + b.text, at: [...a.at, ...b.at] };
}

/** preprocess() without expand_env_variables: the logical lines pip parses, comments and blanks gone. */
export function logicalLines(text: string): Placed[] {
  return joinLines(physicalLines(text))
    .map((line) => {
      const comment = COMMENT.exec(line.text);
      return pyStrip(comment ? slice(line, 0, comment.index) : line);
    })
    .filter((line) => line.text !== '');
}

/**
 * break_args_options: the requirement is every space-separated token before the first one that
 * starts with `-`; the rest are options. Splits at single spaces only, as pip does.
 */
export function breakArgsOptions(line: Placed): { args: Placed; options: Placed } {
  const tokens = line.text.split(' ');
  let start = 0;
  for (const token of tokens) {
    if (token.startsWith('-')) return { args: slice(line, 0, Math.max(start - 1, 0)), options: slice(line, start) };
    start += token.length + 1;
  }
  return { args: line, options: slice(line, line.text.length) };
}

/** shlex.split(s) (POSIX mode, no comments): the words of an option line, quotes and escapes removed. */
export function shlexSplit(s: Placed): Placed[] | undefined {
  const words: Placed[] = [];
  let word: Placed | undefined;
  let quote: string | undefined;
  const add = (i: number): void => {
    word ??= { text: '', at: [] };
    word.text += s.text[i]!;
    word.at.push(s.at[i]!);
  };
  for (let i = 0; i < s.text.length; i++) {
    const ch = s.text[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < s.text.length) {
        // Inside double quotes a backslash escapes only `"` and `\`; before anything else it stays.
        if (s.text[i + 1] !== '"' && s.text[i + 1] !== '\\') add(i);
        add(++i);
      } else add(i);
    } else if (' \t\r\n'.includes(ch)) {
      if (word) words.push(word);
      word = undefined;
    } else if (ch === '\\') {
      if (i + 1 >= s.text.length) return undefined;
      add(++i);
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= { text: '', at: [] };
    } else add(i);
  }
  if (quote) return undefined;
  if (word) words.push(word);
  return words;
}

/** The option destinations pip's requirements-file parser has that name paths. */
export type PathDest = 'index_url' | 'extra_index_urls' | 'editables' | 'find_links' | 'requirements' | 'constraints';

interface OptionSpec {
  dest: PathDest | undefined;
  takesValue: boolean;
}

const path = (dest: PathDest): OptionSpec => ({ dest, takesValue: true });
const valued: OptionSpec = { dest: undefined, takesValue: true };
const flag: OptionSpec = { dest: undefined, takesValue: false };

/** build_parser()'s options (SUPPORTED_OPTIONS + SUPPORTED_OPTIONS_REQ), pip 23.2 and 24.x alike. */
const LONG_OPTIONS: Record<string, OptionSpec> = {
  '--index-url': path('index_url'),
  '--pypi-url': path('index_url'),
  '--extra-index-url': path('extra_index_urls'),
  '--no-index': flag,
  '--constraint': path('constraints'),
  '--requirement': path('requirements'),
  '--editable': path('editables'),
  '--find-links': path('find_links'),
  '--no-binary': valued,
  '--only-binary': valued,
  '--prefer-binary': flag,
  '--require-hashes': flag,
  '--pre': flag,
  '--trusted-host': valued,
  '--use-feature': valued,
  '--global-option': valued,
  '--hash': valued,
  '--config-settings': valued,
};
const SHORT_OPTIONS: Record<string, OptionSpec> = {
  '-i': path('index_url'),
  '-c': path('constraints'),
  '-r': path('requirements'),
  '-e': path('editables'),
  '-f': path('find_links'),
  '-C': valued,
};

/** optparse's _match_abbrev: a long option may be shortened to any prefix only it has. */
function longOption(name: string): OptionSpec | undefined {
  if (LONG_OPTIONS[name]) return LONG_OPTIONS[name];
  const matches = Object.keys(LONG_OPTIONS).filter((o) => o.startsWith(name));
  return matches.length === 1 ? LONG_OPTIONS[matches[0]!] : undefined;
}

/**
 * optparse over an option line's words: the values of the path-naming options, in order (for
 * `--index-url`, a store option, only the last). Undefined where optparse fails (pip stops then).
 */
export function parseOptions(words: Placed[]): Map<PathDest, Placed[]> | undefined {
  const found = new Map<PathDest, Placed[]>();
  const rest = [...words];
  while (rest.length > 0) {
    const word = rest.shift()!;
    if (word.text === '--') break;
    let spec: OptionSpec | undefined;
    if (word.text.startsWith('--')) {
      const eq = word.text.indexOf('=');
      spec = longOption(eq < 0 ? word.text : word.text.slice(0, eq));
      if (spec && eq >= 0) {
        if (!spec.takesValue) return undefined;
        rest.unshift(slice(word, eq + 1));
      }
    } else if (word.text.startsWith('-') && word.text.length > 1) {
      spec = SHORT_OPTIONS[word.text.slice(0, 2)];
      if (spec && word.text.length > 2) rest.unshift(slice(word, 2));
    } else continue; // a positional argument, which pip ignores
    if (!spec) return undefined;
    if (!spec.takesValue) continue;
    const value = rest.shift();
    if (!value) return undefined;
    if (spec.dest) found.set(spec.dest, spec.dest === 'index_url' ? [value] : [...(found.get(spec.dest) ?? []), value]);
  }
  return found;
}
