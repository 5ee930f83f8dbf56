// Owns listing the files below a folder (following symlinks inside the project, skipping the
// output and cache folders), memoised per build, and noting what is neither a file nor a folder
// (fifos, sockets, devices: never opened). Leaves juniper's exclusions to zip/exclusions.ts.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { requireRegular, specialTypeOf, type SpecialFileType } from './input-problem.js';
import type { ProjectBoundary } from './project-boundary.js';
import { toFileStat, type SourceFile } from './source-file.js';

export interface WalkerOptions {
  /** Absolute paths never entered or listed (the output folder, the cache, the pip.conf). */
  skip: readonly string[];
  /** When set, symlinks that resolve outside it are not followed but reported in `outside`. */
  boundary?: ProjectBoundary | undefined;
}

/** A symlink met during a walk whose target lies outside the project. */
export interface OutsideLink {
  /** The walked root it was found under. */
  root: string;
  /** The link as found (not resolved). */
  link: string;
  /** Where it resolves to. */
  target: string;
}

/** A path below a walked folder that is neither a regular file nor a folder. */
export interface SpecialFile {
  absPath: string;
  relPath: string;
  type: SpecialFileType;
}

/** A path below a walked folder the file system would not let juni look at (EACCES...). */
export interface UnreadablePath {
  absPath: string;
  relPath: string;
  error: unknown;
}

/** What one walk found. */
interface Walked {
  files: SourceFile[];
  specials: SpecialFile[];
  unreadable: UnreadablePath[];
}

/** Walks folders once per build, however many entries include them. */
export class FolderWalker {
  readonly #skip: Set<string>;
  readonly #boundary: ProjectBoundary | undefined;
  readonly #memo = new Map<string, Walked>();
  /** Symlinks left out because they lead outside the project (see WalkerOptions.boundary). */
  readonly outside: OutsideLink[] = [];

  constructor(options: WalkerOptions) {
    this.#skip = new Set(options.skip.map((p) => path.resolve(p)));
    this.#boundary = options.boundary;
  }

  /** Every regular file below `root`, sorted by relative path. */
  walk(root: string): SourceFile[] {
    return this.#walked(root).files;
  }

  /**
   * What below `root` is neither a regular file nor a folder. They are never opened (a fifo blocks
   * the reader, a device never ends); the planner refuses those an entry would package.
   */
  specials(root: string): SpecialFile[] {
    return this.#walked(root).specials;
  }

  /**
   * What below `root` could not be listed or looked at. Kept apart, like specials, because an
   * `exclude:` may leave it out: the planner reports only those an entry would pack.
   */
  unreadable(root: string): UnreadablePath[] {
    return this.#walked(root).unreadable;
  }

  /** One regular file, as a SourceFile whose relPath is its base name. */
  file(absPath: string): SourceFile {
    const stats = statSync(absPath, { bigint: true });
    requireRegular(absPath, stats);
    return { absPath, relPath: path.basename(absPath), dev: stats.dev, ...toFileStat(stats) };
  }

  #walked(root: string): Walked {
    const abs = path.resolve(root);
    let walked = this.#memo.get(abs);
    if (!walked) {
      walked = { files: [], specials: [], unreadable: [] };
      this.#walkInto(abs, '', walked, { root: abs, seen: new Set() });
      walked.files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
      this.#memo.set(abs, walked);
    }
    return walked;
  }

  #walkInto(dir: string, rel: string, out: Walked, walk: { root: string; seen: Set<bigint> }): void {
    const dirStat = statSync(dir, { bigint: true });
    // A symlink loop would otherwise recurse forever.
    if (walk.seen.has(dirStat.ino)) return;
    walk.seen.add(dirStat.ino);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      // The included folder itself must be readable; one below it may be excluded.
      if (rel === '') throw error;
      out.unreadable.push({ absPath: dir, relPath: rel, error });
      return;
    }
    // Node decodes names as UTF-8, replacing bytes that are not with U+FFFD: such a name reaches
    // no file (stat would say ENOENT, and the file would silently be left out) and is no valid
    // zip entry name. Checked against the raw bytes only when a replacement character shows.
    const undecodable = entries.some((e) => e.name.includes('\uFFFD')) ? undecodableNames(dir) : undefined;
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      if (this.#skip.has(abs)) continue;
      // Only a symlink can lead out of a folder that is itself inside the project.
      if (entry.isSymbolicLink() && this.#leadsOutside(walk.root, abs)) continue;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (undecodable?.has(entry.name)) {
        out.specials.push({ absPath: abs, relPath, type: 'name-not-utf8' });
        continue;
      }
      let stats;
      try {
        stats = statSync(abs, { bigint: true });
      } catch (error) {
        // A dangling symlink, or a loop of them, has nothing to package; anything else (EACCES) is
        // reported by the planner unless excluded.
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ELOOP') out.unreadable.push({ absPath: abs, relPath, error });
        continue;
      }
      if (stats.isDirectory()) this.#walkInto(abs, relPath, out, { root: walk.root, seen: new Set(walk.seen) });
      else if (stats.isFile()) out.files.push({ absPath: abs, relPath, dev: stats.dev, ...toFileStat(stats) });
      else out.specials.push({ absPath: abs, relPath, type: specialTypeOf(stats) ?? 'other' });
    }
  }

  #leadsOutside(root: string, link: string): boolean {
    if (!this.#boundary) return false;
    let target: string;
    try {
      target = realpathSync.native(link);
    } catch {
      return false; // dangling: the stat below skips it
    }
    if (this.#boundary.contains(target)) return false;
    this.outside.push({ root, link, target });
    return true;
  }
}

/** The names (as Node decodes them) in `dir` whose bytes are not valid UTF-8. */
function undecodableNames(dir: string): Set<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const out = new Set<string>();
  for (const raw of readdirSync(dir, { encoding: 'buffer' })) {
    try {
      decoder.decode(raw);
    } catch {
      out.add(raw.toString('utf8'));
    }
  }
  return out;
}
