// Owns finding the manifest file (-m, manifest.yml, manifest.yaml), reading and parsing it.
// Leaves the meaning of its contents to validate.ts.
import path from 'node:path';
import { cacheDirOf } from '../cache/location.js';
import type { Diagnostic } from '../diagnostics.js';
import { lookupPath, type PathKind } from '../fs/path-kind.js';
import { tryReadRegularFile } from '../fs/read-regular.js';
import { ManifestMemo } from './memo.js';
import type { Manifest } from './types.js';
import { decodeUtf8 } from './utf8.js';

/** Why a manifest could not be found or read: `file` as the user would write it. */
export type ManifestFileProblem =
  | { ok: false; reason: 'not-found'; searched: string[] }
  /** A FIFO, socket or device: reading it could block forever, so it is never read. */
  | { ok: false; reason: 'not-a-file'; file: string; kind: PathKind }
  /** `code` is the system error (EACCES when a folder on the way may not be entered). */
  | { ok: false; reason: 'unreadable'; file: string; code: string; message: string };

export type LoadManifestResult =
  | { ok: true; manifest: Manifest; source: string }
  | ManifestFileProblem
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
 * Finds, parses and validates the manifest. Reads only a regular file, and writes nothing but the
 * memo of a valid manifest, and that only into an existing cache folder (see memo.ts).
 */
export async function loadManifest(options: LoadManifestOptions): Promise<LoadManifestResult> {
  const found = findManifest(options);
  if (!found.ok) return found;
  const { file, displayFile } = found;
  const read = tryReadRegularFile(file);
  if (!read.ok) {
    return read.reason === 'not-regular'
      ? { ok: false, reason: 'not-a-file', file: displayFile, kind: read.kind }
      : { ok: false, reason: 'unreadable', file: displayFile, code: read.code, message: read.message };
  }
  const decoded = decodeUtf8(read.bytes);
  if (!decoded.ok) {
    const diagnostic: Diagnostic = {
      file: displayFile,
      line: decoded.line,
      column: decoded.column,
      message: `byte 0x${decoded.byte.toString(16).padStart(2, '0')} is not valid UTF-8; juni reads a manifest as UTF-8`,
      hint: 'save the manifest as UTF-8 (from Latin-1: iconv -f latin1 -t utf-8 manifest.yml)',
    };
    return { ok: false, reason: 'invalid', diagnostics: [diagnostic], source: decoded.text, file: displayFile };
  }
  const source = decoded.text;
  const memo = new ManifestMemo(cacheDirOf(path.dirname(file), options.env));
  const remembered = memo.read(file, source);
  // The memo is kept per file; the warnings name it as this run's user wrote it.
  if (remembered) return { ok: true, manifest: withDisplayFile(remembered, displayFile), source };
  const { parseManifest } = await import('./parse.js');
  const result = parseManifest({ file, displayFile, source });
  if (!result.ok) return { ok: false, reason: 'invalid', diagnostics: result.diagnostics, source, file: displayFile };
  memo.write(file, source, result.manifest, result.checked);
  return { ok: true, manifest: result.manifest, source };
}

/**
 * Which file `-m` (or its absence) names: `-m FILE`; `-m FOLDER`, the manifest in that folder, as
 * running juni there would find it; else manifest.yml or manifest.yaml in cwd. `file` is absolute,
 * `displayFile` as the user would write it. Only asks what each path is: never opens one.
 */
export function findManifest(
  options: LoadManifestOptions,
): { ok: true; file: string; displayFile: string } | ManifestFileProblem {
  let candidates: string[] = [...MANIFEST_NAMES];
  if (options.file !== undefined) {
    const given = lookupPath(path.resolve(options.cwd, options.file));
    const folder = options.file;
    candidates = given.ok && given.kind === 'dir' ? MANIFEST_NAMES.map((n) => path.join(folder, n)) : [folder];
  }
  for (const candidate of candidates) {
    const abs = path.resolve(options.cwd, candidate);
    const found = lookupPath(abs);
    if (!found.ok) {
      if (found.code === 'ENOENT' || found.code === 'ENOTDIR') continue;
      return { ok: false, reason: 'unreadable', file: candidate, code: found.code, message: found.message };
    }
    if (found.kind === 'dir') continue;
    if (found.kind !== 'file') return { ok: false, reason: 'not-a-file', file: candidate, kind: found.kind };
    return { ok: true, file: abs, displayFile: candidate };
  }
  return { ok: false, reason: 'not-found', searched: candidates.map((c) => path.resolve(options.cwd, c)) };
}

function withDisplayFile(manifest: Manifest, displayFile: string): Manifest {
  if (!manifest.warnings?.length) return manifest;
  return { ...manifest, warnings: manifest.warnings.map((w) => ({ ...w, file: displayFile })) };
}
