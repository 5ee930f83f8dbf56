// Owns reading a Dockerfile for what a build of it uses: the images every stage starts from or
// copies from (FROM, COPY --from, RUN --mount=from, with ARG values substituted) and the context
// paths COPY, ADD and RUN --mount=type=bind read. Where those cannot be known (ADD of a URL, a
// variable juni cannot resolve, a syntax it does not know) it says so and why, and the whole
// context counts. Parsing is dockerfile-ast's; matching files is context-sources.ts's.
import { DockerfileParser, type Arg, type Env, type Instruction, type ModifiableInstruction } from 'dockerfile-ast';

export interface BaseImage {
  /** The image reference after substitution, e.g. `python:3.12-slim`. */
  ref: string;
  /** 1-based line of the instruction that names it. */
  line: number;
}

export interface ContextSource {
  /** As written after substitution, e.g. `src/*.py`; `.` is the whole context. */
  source: string;
  line: number;
}

export type ContextUse =
  | { kind: 'sources'; sources: ContextSource[] }
  /** The files cannot be known: every file of the context is an input. */
  | { kind: 'whole'; reason: string; line: number };

export interface DockerfileInputs {
  /** Distinct images, in the order the Dockerfile first names them (`scratch` and stages excluded). */
  bases: BaseImage[];
  context: ContextUse;
  /** An image reference juni cannot resolve (so cannot key the image on): the build must not run. */
  unresolvedImage?: { text: string; line: number };
}

export interface BuildSettings {
  args: Readonly<Record<string, string>>;
  target?: string | undefined;
}

/** The frontends whose syntax this reader knows: Docker's own Dockerfile syntax, version 1. */
const KNOWN_SYNTAX = /^(docker\.io\/)?docker\/dockerfile(-upstream)?:1(\.\d+)*(-labs)?(@sha256:[0-9a-f]{64})?$/;

/** A variable's value, or UNKNOWN when the Dockerfile cannot tell it (e.g. the base image's ENV). */
const UNKNOWN = Symbol('unknown');
type Value = string | typeof UNKNOWN;
type Lookup = (name: string) => Value | undefined;

/** The variables one stage (or the global scope, before the first FROM) can see. */
class Scope {
  readonly args = new Map<string, Value>();
  readonly env = new Map<string, Value>();
  /** ENV always wins over an ARG of the same name, whatever their order. */
  readonly lookup: Lookup = (name) => (this.env.has(name) ? this.env.get(name) : this.args.get(name));
}

/** A word with a variable juni cannot resolve; `image` when it names an image. */
class Unknowable extends Error {
  constructor(
    readonly word: string,
    readonly image: boolean,
  ) {
    super(word);
  }
}

export function dockerfileInputs(text: string, settings: BuildSettings): DockerfileInputs {
  const dockerfile = DockerfileParser.parse(text);
  const lines = text.split(/\r?\n/);
  const escape = dockerfile.getEscapeCharacter();
  const bases: BaseImage[] = [];
  const sources: ContextSource[] = [];
  let whole: ContextUse | undefined;
  let unresolvedImage: DockerfileInputs['unresolvedImage'];
  const wholeBecause = (reason: string, line: number): void => {
    whole ??= { kind: 'whole', reason, line };
  };

  for (const directive of dockerfile.getDirectives()) {
    if (directive.getName().toLowerCase() === 'syntax' && !KNOWN_SYNTAX.test(directive.getValue().trim())) {
      wholeBecause(
        `the Dockerfile names the frontend '${directive.getValue().trim()}' (# syntax=), whose syntax juni cannot read`,
        directive.getRange().start.line + 1,
      );
    }
  }

  const globals = new Scope();
  const stageNames: string[] = [];
  let stage: Scope | undefined;
  const addBase = (ref: string, line: number): void => {
    if (ref.toLowerCase() === 'scratch' || bases.some((b) => b.ref === ref)) return;
    bases.push({ ref, line });
  };
  /** A --from value: an earlier stage (by name or index) or an image. */
  const fromImage = (word: string, line: number): void => {
    const value = substitute(word, (stage ?? globals).lookup, escape);
    if (value === UNKNOWN) throw new Unknowable(word, true);
    const name = value.toLowerCase();
    if (stageNames.includes(name) || (/^\d+$/.test(name) && Number(name) < stageNames.length)) return;
    addBase(value, line);
  };

  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    const line = instruction.getRange().start.line + 1;
    const scope = stage ?? globals;
    const expand = (word: string): string => {
      const value = substitute(word, scope.lookup, escape);
      if (value === UNKNOWN) throw new Unknowable(word, false);
      return value;
    };
    try {
      switch (keyword) {
        case 'FROM': {
          // A new stage sees only the build args it declares again (ARG NAME), not the globals.
          if (stage && settings.target && stageNames.at(-1) === settings.target.toLowerCase()) {
            return finish();
          }
          const args = instruction.getArguments().map((a) => a.getValue());
          // FROM sees only the global ARGs; Docker reads an undeclared name as empty.
          const image = args[0] === undefined ? undefined : substitute(args[0], (n) => globals.lookup(n) ?? '', escape);
          const name = args[1]?.toUpperCase() === 'AS' ? args[2]?.toLowerCase() : undefined;
          if (image === UNKNOWN) throw new Unknowable(args[0]!, true);
          if (image !== undefined && !stageNames.includes(image.toLowerCase())) addBase(image, line);
          stageNames.push(name ?? `\u0000${stageNames.length}`);
          stage = new Scope();
          break;
        }
        case 'ARG':
          for (const property of (instruction as Arg).getProperties()) {
            const name = property.getName();
            const given = settings.args[name];
            const fallback = property.getValue();
            // Outside a stage only build args exist, and an undeclared one is empty.
            const lookup: Lookup = stage ? scope.lookup : (n) => globals.lookup(n) ?? '';
            const value: Value =
              given !== undefined
                ? given
                : fallback !== null
                  ? substitute(fallback, lookup, escape)
                  : stage
                    ? (globals.lookup(name) ?? '')
                    : '';
            scope.args.set(name, value);
          }
          break;
        case 'ENV': {
          if (!stage) break;
          // Every value of one ENV sees the variables as they were before it (ENV a=1 b=$a: b is the old a).
          const values = (instruction as Env)
            .getProperties()
            .map((p) => [p.getName(), substitute(p.getValue() ?? '', scope.lookup, escape)] as const);
          for (const [name, value] of values) stage.env.set(name, value);
          break;
        }
        case 'COPY':
        case 'ADD': {
          if (!stage) break;
          const from = (instruction as ModifiableInstruction)
            .getFlags()
            .find((f) => f.getName() === 'from')
            ?.getValue();
          const { words, escapedSpace } = copyWords(instruction, lines, escape);
          if (escapedSpace) {
            wholeBecause(
              `line ${line}: ${keyword} has an escaped space in its sources, which juni does not split as Docker does`,
              line,
            );
            break;
          }
          if (from !== undefined && from !== null) {
            fromImage(from, line);
            break;
          }
          for (const raw of words.slice(0, -1)) {
            if (raw.startsWith('<<')) continue; // a here-document: its text is in the Dockerfile

            const source = expand(raw);
            if (keyword === 'ADD' && isRemote(source)) {
              wholeBecause(
                `line ${line}: ADD ${source} fetches from outside the context, so juni cannot know what it reads`,
                line,
              );
            } else if (/["']/.test(source)) {
              wholeBecause(`line ${line}: the source ${raw} has quotes juni does not interpret`, line);
            } else sources.push({ source, line });
          }
          break;
        }
        case 'RUN': {
          if (!stage) break;
          for (const flag of (instruction as ModifiableInstruction).getFlags().filter((f) => f.getName() === 'mount')) {
            const option = (name: string): string | undefined => flag.getOption(name)?.getValue() ?? undefined;
            const type = option('type') ?? 'bind';
            const from = option('from');
            if (from !== undefined) fromImage(from, line);
            else if (type === 'bind') sources.push({ source: expand(option('source') ?? option('src') ?? '.'), line });
          }
          break;
        }
        default:
          break;
      }
    } catch (error) {
      if (!(error instanceof Unknowable)) throw error;
      if (error.image) unresolvedImage ??= { text: error.word, line };
      else
        wholeBecause(
          `line ${line}: ${keyword} ${error.word} uses a variable juni cannot resolve from the Dockerfile and its args`,
          line,
        );
    }
  }
  return finish();

  function finish(): DockerfileInputs {
    return { bases, context: whole ?? { kind: 'sources', sources }, ...(unresolvedImage ? { unresolvedImage } : {}) };
  }
}

/** True for what ADD downloads instead of reading from the context (URLs, git remotes). */
function isRemote(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || /^git@/.test(source);
}

/**
 * The words of a COPY or ADD after its flags: the JSON form `["a b", "dest"]` read as JSON (the
 * parser drops spaces inside its strings), else the whitespace-separated shell form.
 * `escapedSpace` (`a\\ b.txt`): Docker's splitting of escaped whitespace is not modelled.
 */
function copyWords(
  instruction: Instruction,
  lines: readonly string[],
  escape: string,
): { words: string[]; escapedSpace: boolean } {
  let args = instruction.getArguments();
  if (args.length === 0) return { words: [], escapedSpace: false };
  // With a here-document, the words after the first line are its text, not sources.
  if (args.some((a) => a.getValue().startsWith('<<'))) {
    const first = args[0]!.getRange().start.line;
    args = args.filter((a) => a.getRange().start.line === first);
  }
  const raw = textBetween(lines, args[0]!.getRange().start, args.at(-1)!.getRange().end);
  const escapedSpace = raw.includes(`${escape} `) || raw.includes(`${escape}\t`);
  const text = raw.split(`${escape}\n`).join('');
  if (text.trimStart().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed) && parsed.every((w) => typeof w === 'string'))
        return { words: parsed, escapedSpace: false };
    } catch {
      // Not JSON: Docker reads it as the shell form, and so does this.
    }
  }
  return { words: args.map((a) => a.getValue()), escapedSpace };
}

function textBetween(
  lines: readonly string[],
  start: { line: number; character: number },
  end: { line: number; character: number },
): string {
  if (start.line === end.line) return (lines[start.line] ?? '').slice(start.character, end.character);
  const parts = [(lines[start.line] ?? '').slice(start.character)];
  for (let l = start.line + 1; l < end.line; l++) parts.push(lines[l] ?? '');
  parts.push((lines[end.line] ?? '').slice(0, end.character));
  return parts.join('\n');
}

/**
 * Docker's variable substitution for one word: `$NAME`, `${NAME}`, `${NAME:-word}`,
 * `${NAME:+word}`, the escape character keeping a `$` literal. A name `vars` does not know is
 * UNKNOWN (in a stage, the base image's ENV may set it); other forms (`${x#y}`) are UNKNOWN too.
 */
function substitute(word: string, vars: Lookup, escape = '\\'): Value {
  let out = '';
  const lookup = (name: string): Value => vars(name) ?? UNKNOWN;
  for (let i = 0; i < word.length; i++) {
    const c = word[i]!;
    if (c === escape && word[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (c !== '$') {
      out += c;
      continue;
    }
    if (word[i + 1] === '{') {
      const close = word.indexOf('}', i + 2);
      if (close < 0) return UNKNOWN;
      const body = word.slice(i + 2, close);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:[-+])(.*))?$/s.exec(body);
      if (!m) return UNKNOWN; // ${x#pattern} and friends: not read here
      const value = lookup(m[1]!);
      if (value === UNKNOWN) return UNKNOWN;
      if (m[2] === ':-') {
        const alt = value === '' ? substitute(m[3]!, vars, escape) : value;
        if (alt === UNKNOWN) return UNKNOWN;
        out += alt;
      } else if (m[2] === ':+') {
        const alt = value === '' ? '' : substitute(m[3]!, vars, escape);
        if (alt === UNKNOWN) return UNKNOWN;
        out += alt;
      } else out += value;
      i = close;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(word.slice(i + 1));
    if (!m) {
      out += '$';
      continue;
    }
    const value = lookup(m[0]);
    if (value === UNKNOWN) return UNKNOWN;
    out += value;
    i += m[0].length;
  }
  return out;
}
