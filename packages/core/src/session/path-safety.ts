// Owns the checks that keep a build inside its project: an output folder juni may clean safely,
// and includes (and symlinks below them) that stay within the project's boundary.
// Leaves finding the boundary to fs/project-boundary.ts and walking folders to fs/walk.ts.
import path from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import type { ProjectBoundary } from '../fs/project-boundary.js';
import { isWithin, realPathLoose } from '../fs/real-path.js';
import type { OutsideLink } from '../fs/walk.js';
import type { IncludeSpec, Manifest } from '../manifest/types.js';

const ALLOW = 'list it under global.allow_outside: [path, ...] in the manifest';
const ALLOW_HINT = `to package it on purpose, ${ALLOW}`;
const LINK_HINT = `replace the link with the file itself, or if it is meant to ship, ${ALLOW}`;

/**
 * Problems with the output folder, all paths resolved through symlinks first: it may not be (or
 * hold) the manifest's folder or the project root, be an included folder or lie inside one (other
 * than a folder that holds the manifest, as `include: ./` does), nor overlap the cache folder.
 */
export function outputFolderProblems(
  manifest: Manifest,
  options: { cacheDir: string; boundary: ProjectBoundary },
): Diagnostic[] {
  const out = realPathLoose(manifest.output);
  const { spec, pos } = manifest.outputSpec;
  const problem = (message: string, hint: string): Diagnostic[] => [
    { file: manifest.file, ...pos, message: `the output folder '${spec}' ${message}`, hint },
  ];
  const own = 'use a folder of its own, e.g. ./dist';
  const dir = realPathLoose(manifest.dir);
  if (isWithin(dir, out))
    return problem(
      `${out === dir ? 'is' : 'contains'} the manifest's folder; cleaning it would delete your project`,
      own,
    );
  if (isWithin(options.boundary.root, out))
    return problem(
      `${out === options.boundary.root ? 'is' : 'contains'} the project root (${options.boundary.root})`,
      own,
    );
  const cache = realPathLoose(options.cacheDir);
  if (isWithin(out, cache) || isWithin(cache, out)) {
    return problem(
      `overlaps the cache folder (${options.cacheDir})`,
      'keep the output folder and the cache (.juni/ or JUNI_CACHE_DIR) apart',
    );
  }
  for (const include of uniqueIncludes(manifest)) {
    if (include.kind !== 'dir') continue;
    const folder = realPathLoose(include.path);
    if (out === folder) return problem(`is the included folder '${include.spec}'`, own);
    if (isWithin(out, folder) && !isWithin(dir, folder))
      return problem(`lies inside the included folder '${include.spec}'`, own);
  }
  return [];
}

/** Includes whose real path (a symlink followed) lies outside the project. */
export function outsideIncludeProblems(manifest: Manifest, boundary: ProjectBoundary): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const include of uniqueIncludes(manifest)) {
    const real = realPathLoose(include.path);
    if (boundary.contains(real)) continue;
    const via = real === path.resolve(include.path) ? '' : ` (it resolves to ${real})`;
    problems.push({
      file: manifest.file,
      ...include.pos,
      message: `include '${include.spec}' lies outside the project (${boundary.root})${via}`,
      hint: ALLOW_HINT,
    });
  }
  return problems;
}

/** Symlinks found below included folders whose targets lie outside the project. */
export function outsideLinkProblems(
  manifest: Manifest,
  links: readonly OutsideLink[],
  boundary: ProjectBoundary,
): Diagnostic[] {
  const includes = includesOf(manifest);
  const seen = new Set<string>();
  return links
    .filter((l) => !seen.has(l.link) && seen.add(l.link))
    .map((l) => {
      const include = includes.find((i) => path.resolve(i.path) === l.root);
      const shown = path.relative(manifest.dir, l.link) || l.link;
      return {
        file: manifest.file,
        ...(include?.pos ?? { line: 1, column: 1 }),
        message:
          `the symlink '${shown}'${include ? ` in include '${include.spec}'` : ''} ` +
          `points outside the project (${boundary.root}) to ${l.target}`,
        hint: LINK_HINT,
      };
    });
}

function includesOf(manifest: Manifest): IncludeSpec[] {
  return [...manifest.functions, ...manifest.layers].flatMap((e) => e.includes);
}

/** One include per path (the first, for its position): 1000 functions often share one `./shared/`. */
function uniqueIncludes(manifest: Manifest): IncludeSpec[] {
  const byPath = new Map<string, IncludeSpec>();
  for (const include of includesOf(manifest)) if (!byPath.has(include.path)) byPath.set(include.path, include);
  return [...byPath.values()];
}
