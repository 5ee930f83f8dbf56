// Owns finding the manifest file (-m, manifest.yml, manifest.yaml), reading and parsing it.
// Leaves the meaning of its contents to validate.ts.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { cacheDirOf } from '../cache/location.js';
import type { Diagnostic } from '../diagnostics.js';
import { ManifestMemo } from './memo.js';
import type { Manifest } from './types.js';

export type LoadManifestResult =
  | { ok: true; manifest: Manifest; source: string }
  | { ok: false; reason: 'not-found'; searched: string[] }
  | { ok: false; reason: 'unreadable'; file: string; message: string }
  | { ok: false; reason: 'invalid'; diagnostics: Diagnostic[]; source: string; file: string };

export interface LoadManifestOptions {
  cwd: string;
  /** `-m FILE` (or a folder holding manifest.yml), relative to cwd. */
  file?: string | undefined;
  /** Where JUNI_CACHE_DIR is read from (the manifest memo lives in the cache). */
  env?: NodeJS.ProcessEnv;
}

export const MANIFEST_NAMES = ['manifest.yml', 'manifest.yaml'] as const;

/**
 * Finds, parses and validates the manifest. Writes nothing but the memo of a valid manifest, and
 * that only into an existing cache folder (see memo.ts).
 */
export async function loadManifest(options: LoadManifestOptions): Promise<LoadManifestResult> {
  const found = findManifest(options);
  if (!found.ok) return { ok: false, reason: 'not-found', searched: found.searched };
  const { file, displayFile } = found;
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    return { ok: false, reason: 'unreadable', file: displayFile, message: (error as Error).message };
  }
  const memo = new ManifestMemo(cacheDirOf(path.dirname(file), options.env));
  const remembered = memo.read(file, source);
  if (remembered) return { ok: true, manifest: remembered, source };
  const { parseManifest } = await import('./parse.js');
  const result = parseManifest({ file, displayFile, source });
  if (!result.ok) return { ok: false, reason: 'invalid', diagnostics: result.diagnostics, source, file: displayFile };
  memo.write(file, source, result.manifest, result.checked);
  return { ok: true, manifest: result.manifest, source };
}

/**
 * Which file `-m` (or its absence) names: `-m FILE`; `-m FOLDER`, the manifest in that folder, as
 * running juni there would find it; else manifest.yml or manifest.yaml in cwd. `file` is absolute,
 * `displayFile` as the user would write it.
 */
export function findManifest(
  options: LoadManifestOptions,
): { ok: true; file: string; displayFile: string } | { ok: false; searched: string[] } {
  const folder =
    options.file !== undefined && isFolder(path.resolve(options.cwd, options.file)) ? options.file : undefined;
  const candidates =
    folder !== undefined
      ? MANIFEST_NAMES.map((n) => path.join(folder, n))
      : options.file !== undefined
        ? [options.file]
        : [...MANIFEST_NAMES];
  const displayFile = candidates.find(
    (c) => existsSync(path.resolve(options.cwd, c)) && !isFolder(path.resolve(options.cwd, c)),
  );
  if (displayFile === undefined) return { ok: false, searched: candidates.map((c) => path.resolve(options.cwd, c)) };
  return { ok: true, file: path.resolve(options.cwd, displayFile), displayFile };
}

function isFolder(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
