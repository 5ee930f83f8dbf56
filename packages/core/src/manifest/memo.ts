// Owns remembering a validated manifest between runs. Composing the YAML of a 1000-function
// manifest costs ~100 ms of every no-op build (and of every watch rebuild); when neither the
// manifest's bytes, nor juni's validator, nor any path it named changed, the result is the same.
// Leaves parsing and validating to load.ts and validate.ts.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lookupPath } from '../fs/path-kind.js';
import { fileURLToPath } from 'node:url';
import type { Manifest } from './types.js';
import type { CheckedKind, CheckedPaths } from './validate.js';

interface MemoFile {
  /** sha256 of the manifest's text and the validator's build (and where it is installed): either changing makes a new key. */
  key: string;
  manifest: Manifest;
  checked: [string, CheckedKind][];
}

/**
 * Reads and writes memos in `<cache>/manifests/`, one file per manifest path. Writes only into
 * a cache folder that already exists: loading a manifest never creates `.juni/` by itself.
 */
export class ManifestMemo {
  readonly #cacheDir: string;

  constructor(cacheDir: string) {
    this.#cacheDir = cacheDir;
  }

  /** The remembered manifest, if its text is `source` and every path it named is as it was. */
  read(file: string, source: string): Manifest | undefined {
    let memo: MemoFile;
    try {
      memo = JSON.parse(readFileSync(this.#pathFor(file), 'utf8')) as MemoFile;
    } catch {
      return undefined;
    }
    if (memo.key !== memoKey(source) || memo.manifest?.file !== file) return undefined;
    for (const [p, kind] of memo.checked) {
      const now = memoKind(p);
      if (kind === 'not-file' ? now === 'file' || now === 'other' : now !== kind) return undefined;
    }
    return memo.manifest;
  }

  write(file: string, source: string, manifest: Manifest, checked: CheckedPaths): void {
    if (!isDir(this.#cacheDir)) return;
    // `environment:` values may be secrets: the cache folder never holds them (CI caches and
    // shares it). Such a manifest is validated again at each build instead (milliseconds).
    if (manifest.functions.some((f) => Object.keys(f.lambda.environment).length > 0)) {
      rmSync(this.#pathFor(file), { force: true });
      return;
    }
    const dir = path.join(this.#cacheDir, 'manifests');
    const dest = this.#pathFor(file);
    const temp = `${dest}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    const memo: MemoFile = { key: memoKey(source), manifest, checked: [...checked] };
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(temp, JSON.stringify(memo));
      renameSync(temp, dest);
    } catch {
      // A memo is only a shortcut: a read-only or full cache folder must not fail the build.
      rmSync(temp, { force: true });
    }
  }

  #pathFor(file: string): string {
    return path.join(
      this.#cacheDir,
      'manifests',
      `${createHash('sha256').update(file).digest('hex').slice(0, 16)}.json`,
    );
  }
}

/**
 * The build of every module that shapes a validated manifest (this folder: the parser, the
 * validator, the schema), so a new juni, or one rebuilt in development, never trusts an old memo.
 */
const VALIDATOR_STAMP = (() => {
  const folder = fileURLToPath(new URL('.', import.meta.url));
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.js'))
    .sort()
    .map((f) => {
      const s = statSync(path.join(folder, f));
      return `${f}:${s.size}:${s.mtimeMs}`;
    });
  return [folder, ...files].join(';');
})();

function memoKey(source: string): string {
  return createHash('sha256').update(VALIDATOR_STAMP).update('\0').update(source).digest('hex');
}

/**
 * What the memo's checks need to know of a path (fs/path-kind.ts asks). A FIFO or device that
 * replaced a checked file is 'other': it matches nothing, so the manifest is checked again.
 */
function memoKind(p: string): 'file' | 'dir' | 'other' | 'absent' {
  const found = lookupPath(p);
  if (!found.ok) return 'absent';
  return found.kind === 'file' || found.kind === 'dir' ? found.kind : 'other';
}

function isDir(p: string): boolean {
  return memoKind(p) === 'dir';
}
