// Owns listing the files below a folder (following symlinks inside the project, skipping the
// output and cache folders), memoised per build. Leaves juniper's exclusions to zip/exclusions.ts.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
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

/** Walks folders once per build, however many entries include them. */
export class FolderWalker {
  readonly #skip: Set<string>;
  readonly #boundary: ProjectBoundary | undefined;
  readonly #memo = new Map<string, SourceFile[]>();
  /** Symlinks left out because they lead outside the project (see WalkerOptions.boundary). */
  readonly outside: OutsideLink[] = [];

  constructor(options: WalkerOptions) {
    this.#skip = new Set(options.skip.map((p) => path.resolve(p)));
    this.#boundary = options.boundary;
  }

  /** Every file below `root`, sorted by relative path. */
  walk(root: string): SourceFile[] {
    const abs = path.resolve(root);
    let files = this.#memo.get(abs);
    if (!files) {
      files = [];
      this.#walkInto(abs, '', files, { root: abs, seen: new Set() });
      files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
      this.#memo.set(abs, files);
    }
    return files;
  }

  /** One file, as a SourceFile whose relPath is its base name. */
  file(absPath: string): SourceFile {
    const stats = statSync(absPath, { bigint: true });
    return { absPath, relPath: path.basename(absPath), ...toFileStat(stats) };
  }

  #walkInto(dir: string, rel: string, out: SourceFile[], walk: { root: string; seen: Set<bigint> }): void {
    const dirStat = statSync(dir, { bigint: true });
    // A symlink loop would otherwise recurse forever.
    if (walk.seen.has(dirStat.ino)) return;
    walk.seen.add(dirStat.ino);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      if (this.#skip.has(abs)) continue;
      // Only a symlink can lead out of a folder that is itself inside the project.
      if (entry.isSymbolicLink() && this.#leadsOutside(walk.root, abs)) continue;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      let stats;
      try {
        stats = statSync(abs, { bigint: true });
      } catch {
        continue; // a dangling symlink has nothing to package
      }
      if (stats.isDirectory()) this.#walkInto(abs, relPath, out, { root: walk.root, seen: new Set(walk.seen) });
      else if (stats.isFile()) out.push({ absPath: abs, relPath, ...toFileStat(stats) });
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
