// Owns reading a pip.conf as pip does: Python's configparser.RawConfigParser (its defaults:
// `=` and `:`, whole-line `#` and `;` comments only, values continued on lines indented deeper
// than their key, a [DEFAULT] section every section inherits), then pip's own key names
// (configuration.py, cli/parser.py). Each word of a value keeps its line and column. Leaves
// deciding which values are paths to pip-paths.ts.
import { PY_SPACE, type PathDest, type Word } from './pip-req-syntax.js';

/** One option's value: its whitespace-separated words (what pip's split() of it gives). */
interface IniValue {
  words: Word[];
}

type Section = Map<string, IniValue>;

interface Ini {
  defaults: Section;
  sections: Map<string, Section>;
}

const FIRST_NON_SPACE = new RegExp(`[^${PY_SPACE}]`);
const WORD = new RegExp(`[^${PY_SPACE}]+`, 'g');
/** SECTCRE: `[` then anything, up to the last `]`; what follows is ignored. */
const SECTION_HEADER = /^\[(.+)\]/;
/** OPTCRE: the key is everything before the first `=` or `:`. */
const OPTION = new RegExp(`^(.*?)[${PY_SPACE}]*[=:][${PY_SPACE}]*(.*)$`);

function wordsOf(text: string, line: number, offset: number): Word[] {
  return [...text.matchAll(WORD)].map((m) => ({ text: m[0], at: { line, column: offset + m.index + 1 } }));
}

/** The reading state of RawConfigParser._read. */
interface ReadState {
  ini: Ini;
  section: Section | undefined;
  value: IniValue | undefined;
  indent: number;
}

function readLine(st: ReadState, raw: string, line: number): void {
  const first = FIRST_NON_SPACE.exec(raw);
  // Blank and comment lines neither end a value nor add to it.
  if (!first || raw[first.index] === '#' || raw[first.index] === ';') return;
  const indent = first.index;
  const clean = raw.slice(indent).replace(new RegExp(`[${PY_SPACE}]+$`), '');
  if (st.section && st.value && indent > st.indent) {
    st.value.words.push(...wordsOf(clean, line, indent));
    return;
  }
  st.indent = indent;
  const header = SECTION_HEADER.exec(clean);
  if (header) {
    st.section = sectionNamed(st.ini, header[1]!);
    st.value = undefined;
    return;
  }
  // Before any section configparser raises, and pip reads nothing of the file; a line that is not
  // `key = value` is a parse error pip stops on too. Either way there is nothing to find there.
  const option = OPTION.exec(clean);
  if (!st.section || !option) return;
  const value = option[2]!;
  st.value = { words: wordsOf(value, line, indent + clean.length - value.length) };
  const key = option[1]!.toLowerCase();
  if (key !== '') st.section.set(key, st.value);
}

function sectionNamed(ini: Ini, name: string): Section {
  if (name === 'DEFAULT') return ini.defaults;
  let section = ini.sections.get(name);
  if (!section) ini.sections.set(name, (section = new Map<string, IniValue>()));
  return section;
}

/** The file as configparser holds it. Python reads text files with universal newlines. */
export function readIni(text: string): Ini {
  const st: ReadState = {
    ini: { defaults: new Map(), sections: new Map() },
    section: undefined,
    value: undefined,
    indent: 0,
  };
  text.split(/\r\n|\r|\n/).forEach((raw, i) => readLine(st, raw, i + 1));
  return st.ini;
}

/** pip.conf keys (normalised) whose values name paths, and the option each sets. */
const CONF_DEST: Record<string, PathDest> = {
  'index-url': 'index_url',
  'pypi-url': 'index_url',
  'extra-index-url': 'extra_index_urls',
  editable: 'editables',
  'find-links': 'find_links',
  requirement: 'requirements',
  constraint: 'constraints',
};

/**
 * The values `pip install` takes from the file, by option: [global] then [install], each with
 * [DEFAULT] under it (configparser's items()), keys lower-cased with `_` read as `-` and a leading
 * `--` dropped (_normalize_name). A later key overrides an earlier one for the same option (the
 * [install] one the [global] one: they are not merged); empty values are skipped, not overriding.
 */
export function pipInstallValues(ini: Ini): Map<PathDest, Word[]> {
  const found = new Map<PathDest, Word[]>();
  for (const name of ['global', 'install']) {
    const section = ini.sections.get(name);
    if (!section) continue;
    const normalised = new Map<string, IniValue>();
    for (const [key, value] of new Map([...ini.defaults, ...section])) {
      normalised.set(key.replace(/_/g, '-').replace(/^--/, ''), value);
    }
    for (const [key, value] of normalised) {
      const dest = CONF_DEST[key];
      if (dest && value.words.length > 0) found.set(dest, value.words);
    }
  }
  return found;
}
