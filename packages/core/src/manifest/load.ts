// Owns finding the manifest file (-m, manifest.yml, manifest.yaml), reading and parsing it.
// Leaves the meaning of its contents to validate.ts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import type { Manifest } from './types.js';
import { validateManifest } from './validate.js';

export type LoadManifestResult =
  | { ok: true; manifest: Manifest; source: string }
  | { ok: false; reason: 'not-found'; searched: string[] }
  | { ok: false; reason: 'invalid'; diagnostics: Diagnostic[]; source: string; file: string };

export interface LoadManifestOptions {
  cwd: string;
  /** `-m FILE`, relative to cwd. */
  file?: string | undefined;
}

export const MANIFEST_NAMES = ['manifest.yml', 'manifest.yaml'] as const;

/** Finds, parses and validates the manifest. Reads files only; writes nothing. */
export function loadManifest(options: LoadManifestOptions): LoadManifestResult {
  const candidates = options.file !== undefined ? [options.file] : [...MANIFEST_NAMES];
  const displayFile = candidates.find((c) => existsSync(path.resolve(options.cwd, c)));
  if (displayFile === undefined) {
    return { ok: false, reason: 'not-found', searched: candidates.map((c) => path.resolve(options.cwd, c)) };
  }
  const file = path.resolve(options.cwd, displayFile);
  const source = readFileSync(file, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const result = validateManifest({ file, displayFile, doc, lines });
  if (!result.ok) return { ok: false, reason: 'invalid', diagnostics: result.diagnostics, source, file: displayFile };
  return { ok: true, manifest: result.manifest, source };
}
