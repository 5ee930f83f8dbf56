// Owns listing the files below a folder (following symlinks, skipping the output and cache
// folders), memoised per build. Leaves juniper's exclusions to zip/exclusions.ts.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { toFileStat, type SourceFile } from './source-file.js';

export interface WalkerOptions {
  /** Absolute folders never entered (the output folder and the cache). */
  skip: readonly string[];
}

/** Walks folders once per build, however many entries include them. */
export class FolderWalker {
  readonly #skip: Set<string>;
  readonly #memo = new Map<string, SourceFile[]>();

  constructor(options: WalkerOptions) {
    this.#skip = new Set(options.skip.map((p) => path.resolve(p)));
  }

  /** Every file below `root`, sorted by relative path. */
  walk(root: string): SourceFile[] {
    const abs = path.resolve(root);
    let files = this.#memo.get(abs);
    if (!files) {
      files = [];
      this.#walkInto(abs, '', files, new Set());
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

  #walkInto(dir: string, rel: string, out: SourceFile[], seen: Set<bigint>): void {
    const dirStat = statSync(dir, { bigint: true });
    // A symlink loop would otherwise recurse forever.
    if (seen.has(dirStat.ino)) return;
    seen.add(dirStat.ino);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      if (this.#skip.has(abs)) continue;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      let stats;
      try {
        stats = statSync(abs, { bigint: true });
      } catch {
        continue; // a dangling symlink has nothing to package
      }
      if (stats.isDirectory()) this.#walkInto(abs, relPath, out, new Set(seen));
      else if (stats.isFile()) out.push({ absPath: abs, relPath, ...toFileStat(stats) });
    }
  }
}
