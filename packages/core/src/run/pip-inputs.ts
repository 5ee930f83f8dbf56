// Owns the list of project files a container install is given besides the requirements closure and
// the pip.conf: exactly the local paths they name (find-links folders, local packages, wheel
// files), file by file, at the paths pip will look for them. Leaves the rules of where pip looks
// to plan/pip-sendable.ts and sending the files to the container executor.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ProjectBoundary } from '../fs/project-boundary.js';
import { FolderWalker } from '../fs/walk.js';
import type { PipPath } from '../plan/pip-paths.js';
import { outsideWords, placeOf, whereNamed } from '../plan/pip-sendable.js';

/** One file to copy into the container. */
export interface SentFile {
  /** On this machine. */
  from: string;
  /** Relative to pip's working directory (the manifest folder's copy), or absolute when written absolute. */
  to: string;
  size: number;
  exec: boolean;
}

export interface PipInputs {
  files: SentFile[];
  /**
   * Absolute paths outside the project that exist here: pip must find them in the image (an
   * install checks; a find-links folder the image lacks is only said, as pip ignores it).
   */
  inImage: PipPath[];
}

export type PipInputsResult = { ok: true; inputs: PipInputs } | { ok: false; message: string; hint: string };

/**
 * The files to send for `refs`: a find-links folder's own files (pip lists it, not below), a
 * package folder whole (pip builds it), a named file itself. The output folder and the cache
 * (`skip`) are never sent, also when a package is the project itself (`-e .`).
 */
export function pipInputs(refs: readonly PipPath[], manifestDir: string, skip: readonly string[]): PipInputsResult {
  const byDest = new Map<string, SentFile>();
  const inImage: PipPath[] = [];
  // A link leading out of the project (its git work tree) is not followed: a package folder must
  // not carry ~/.aws or / to an engine that may be another machine's. Nor is version control.
  const walker = new FolderWalker({ skip, boundary: ProjectBoundary.forManifest(manifestDir) });
  const add = (from: string, to: string): void => {
    const stats = statSync(from);
    byDest.set(to, { from, to, size: stats.size, exec: (stats.mode & 0o111) !== 0 });
  };
  for (const ref of refs) {
    const where = placeOf(ref, manifestDir);
    if (where.place === 'absent') continue;
    if (where.place === 'host') {
      inImage.push(ref);
      continue;
    }
    // A find-links location pip cannot find is ignored by pip (planning warned of it).
    if (where.place === 'outside' && ref.kind === 'find-links') continue;
    if (where.place === 'outside') {
      // Planning refuses these; a file that appeared since then is refused here, in the same words.
      const words = outsideWords(ref, manifestDir);
      return { ok: false, message: `${whereNamed(ref, manifestDir)}: ${words.message}`, hint: words.hint };
    }
    const to = where.to;
    const join = (name: string): string => (to === '.' ? name : `${to}/${name}`);
    if (!statSync(ref.abs).isDirectory()) add(ref.abs, to);
    else if (ref.kind === 'find-links') {
      for (const entry of readdirSync(ref.abs)) {
        const from = path.join(ref.abs, entry);
        if (!skip.includes(from) && isFile(from)) add(from, join(entry));
      }
    } else
      for (const f of walker.walk(ref.abs))
        if (!f.relPath.split('/').some((part) => VCS.has(part))) add(f.absPath, join(f.relPath));
  }
  const files = [...byDest.values()].sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
  return { ok: true, inputs: { files, inImage } };
}

const VCS = new Set(['.git', '.hg', '.svn']);

function isFile(abs: string): boolean {
  try {
    return statSync(abs).isFile();
  } catch {
    return false; // a dangling link pip would skip too
  }
}
