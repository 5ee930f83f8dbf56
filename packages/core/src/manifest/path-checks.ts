// Owns checking the paths a manifest names: that each exists and is the kind of thing its setting
// reads (a regular file, a folder), and that the output folder can be one. Never reads a file, so
// a FIFO or a device named in a manifest cannot hang validation. Leaves the keys to validate.ts.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Node } from 'yaml';
import { describeKind, lookupPath, type PathLookup } from '../fs/path-kind.js';
import { isWithin, realPathLoose } from '../fs/real-path.js';
import { didYouMean } from './did-you-mean.js';
import type { Manifest } from './types.js';
import type { YamlReader } from './yaml-reader.js';

export type CheckedKind = 'file' | 'dir' | 'not-file';
/**
 * Every path the validation relied on, and what it was ('not-file': a folder or nothing, as the
 * output folder must be): a memo of the result holds while these do.
 */
export type CheckedPaths = Map<string, CheckedKind>;

/** What a setting reads: a regular file, a folder, or either (an include). */
export type Wanted = 'file' | 'dir' | 'file-or-dir';

export class PathChecker {
  readonly checked: CheckedPaths = new Map();
  readonly #r: YamlReader;
  readonly #dir: string;

  constructor(options: { reader: YamlReader; dir: string }) {
    this.#r = options.reader;
    this.#dir = options.dir;
  }

  /**
   * The absolute path a setting names, when it is what the setting reads; otherwise undefined,
   * with a diagnostic. `example` is a file name the hint may suggest ('requirements.txt').
   */
  existing(node: Node | null | undefined, what: string, want: Wanted, example?: string): string | undefined {
    const r = this.#r;
    const spec = r.string(node, what);
    if (spec === undefined) return undefined;
    const shown = what.split('.').pop() ?? what;
    const bad = specProblem(spec);
    if (bad) {
      r.report(node, `${shown} '${printable(spec)}' ${bad.problem}`, bad.hint);
      return undefined;
    }
    const abs = path.resolve(this.#dir, spec);
    const found = lookupPath(abs);
    if (!found.ok) {
      const { message, hint } = this.#lookupFailure(abs, found);
      r.report(node, `${shown} '${spec}' ${message}`, hint);
      return undefined;
    }
    const { kind } = found;
    if (kind !== 'file' && kind !== 'dir') {
      const reads = { file: 'regular files', dir: 'folders', 'file-or-dir': 'regular files and folders' }[want];
      const target = { file: 'a regular file', dir: 'a folder', 'file-or-dir': 'a regular file or a folder' }[want];
      r.report(
        node,
        `${shown} '${spec}' is ${describeKind(kind)}; juni reads only ${reads}`,
        `reading ${describeKind(kind)} could block the build or never end; point ${shown} at ${target}`,
      );
      return undefined;
    }
    this.checked.set(abs, kind);
    if (want !== 'file-or-dir' && kind !== want) {
      r.report(
        node,
        `${what} '${spec}' is ${describeKind(kind)}, expected ${describeKind(want)}`,
        kind === 'dir'
          ? `name the file itself, e.g. '${path.posix.join(spec, example ?? 'FILE')}'`
          : `name the folder that holds it, e.g. '${path.posix.dirname(spec)}'`,
      );
      return undefined;
    }
    return abs;
  }

  /**
   * Where zips go: a folder, or a place where one can be made. Whether it is safe to clean is
   * checked at every build (session/path-safety.ts), as symlinks can change.
   */
  output(
    node: Node | null | undefined,
    where: Node | null | undefined,
  ): Pick<Manifest, 'output' | 'outputSpec'> | undefined {
    const r = this.#r;
    const spec = r.string(node, 'global.output') ?? './dist';
    const at = node ?? where;
    const bad = specProblem(spec);
    if (bad) {
      r.report(at, `global.output '${printable(spec)}' ${bad.problem}`, bad.hint);
      return undefined;
    }
    const output = path.resolve(this.#dir, spec);
    // Also checked (with the rest of the output rules) at every build; here so that it is
    // reported with the manifest's other problems.
    if (isWithin(realPathLoose(this.#dir), realPathLoose(output))) {
      r.report(
        at,
        `global.output '${spec}' is the manifest folder or contains it`,
        'use a folder of its own, e.g. ./dist',
      );
      return undefined;
    }
    const blocker = this.#outputBlocker(output);
    if (blocker) {
      r.report(at, blocker.message.replace('SPEC', spec), blocker.hint(node !== null && node !== undefined));
      return undefined;
    }
    this.checked.set(output, 'not-file');
    return { output, outputSpec: { spec, pos: r.pos(at) } };
  }

  /** What stops `output` from being a folder juni can make and fill, if anything. */
  #outputBlocker(output: string): { message: string; hint: (given: boolean) => string } | undefined {
    const elsewhere = (given: boolean): string =>
      given ? 'set global.output to another folder' : 'set global.output to a folder, e.g. ./build';
    let current = output;
    for (;;) {
      const found = lookupPath(current);
      if (found.ok) {
        if (found.kind === 'dir') return undefined;
        const what = describeKind(found.kind);
        if (current === output)
          return {
            message: `the output folder 'SPEC' is ${what}; zips are written into a folder there`,
            hint: (given) => `move ${found.kind === 'file' ? 'the file' : 'it'} away, or ${elsewhere(given)}`,
          };
        return {
          message: `the output folder 'SPEC' lies below '${path.relative(this.#dir, current) || current}', which is ${what}`,
          hint: (given) => `a folder cannot be made inside ${what}: ${elsewhere(given)}`,
        };
      }
      // ENOTDIR: some folder on the way is a file; going up finds which.
      if (found.code !== 'ENOENT' && found.code !== 'ENOTDIR') {
        const { message, hint } = this.#lookupFailure(current, found);
        return { message: `the output folder 'SPEC' cannot be checked: '${current}' ${message}`, hint: () => hint };
      }
      const parent = path.dirname(current);
      if (parent === current) return undefined;
      current = parent;
    }
  }

  #lookupFailure(abs: string, found: Extract<PathLookup, { ok: false }>): { message: string; hint: string } {
    switch (found.code) {
      case 'ENOENT':
        return {
          message: 'does not exist',
          hint: `paths are relative to the manifest folder (${this.#dir}); ${nearby(abs)}`,
        };
      case 'ENOTDIR':
        return {
          message: 'does not exist: a part of it is a file, not a folder',
          hint: `paths are relative to the manifest folder (${this.#dir}); check each folder in the path`,
        };
      case 'EACCES':
      case 'EPERM':
        return {
          message: 'cannot be read: permission denied',
          hint: 'juni needs read access to it and search (x) access to every folder above it',
        };
      case 'ELOOP':
        return { message: 'is a loop of symlinks', hint: 'fix or remove the symlink' };
      case 'ENAMETOOLONG':
        return { message: 'is too long for the file system', hint: 'use a shorter path' };
      default:
        return { message: `cannot be checked (${found.code})`, hint: 'check that the path is reachable' };
    }
  }
}

/** A problem with the text of a path, before asking the file system anything. */
function specProblem(spec: string): { problem: string; hint: string } | undefined {
  if (spec.includes('\0'))
    return {
      problem: 'contains a NUL character',
      hint: 'no file name can hold one: remove it (check for "\\0" escapes)',
    };
  if (spec === '') return { problem: 'is empty', hint: "write a path, e.g. './dist'" };
  const long = spec.split(/[/\\]/).find((part) => Buffer.byteLength(part, 'utf8') > 255);
  if (long !== undefined)
    return {
      problem: `has a name of ${Buffer.byteLength(long, 'utf8')} bytes ('${long.slice(0, 20)}…')`,
      hint: 'file systems allow at most 255 bytes per name: shorten it',
    };
  return undefined;
}

/** A path for a message: NUL shown as \0, very long ones cut. */
function printable(spec: string): string {
  const shown = spec.replaceAll('\0', '\\0');
  return shown.length > 60 ? `${shown.slice(0, 60)}…` : shown;
}

/** A short hint about what does exist next to a missing path. */
function nearby(abs: string): string {
  const parent = path.dirname(abs);
  const found = lookupPath(parent);
  if (!found.ok) return `the folder ${path.basename(parent)}/ does not exist either`;
  const guess = didYouMean(path.basename(abs), found.kind === 'dir' ? readdirSafe(parent) : []);
  return guess ? `did you mean '${guess}'?` : 'check the spelling';
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return []; // Only used to word a hint: an unreadable folder just means no suggestion.
  }
}
