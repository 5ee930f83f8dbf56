// Owns the copy of an install's inputs that pip reads: the requirements closure and the pip.conf,
// read once, checked against the hashes in the install's key, and written to a private folder,
// so an edit during the install can never be stored under the key of the old content.
// Leaves running pip to the executors.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputProblemError } from '../fs/input-problem.js';
import { readRegularFileSync } from '../fs/read-regular.js';
import type { Hasher } from '../hash/xxhash.js';
import { pipPathsInPipConf, pipPathsInRequirements, type PipPath } from '../plan/pip-paths.js';
import { referencesIn, requirementsRole } from '../plan/requirements-files.js';

export interface SnapshotRequest {
  /** Absolute path of the top requirements file. */
  requirements: string;
  pipconf: string | undefined;
  /** pip's working directory (the manifest folder): relative paths pip resolves against it stay as they are. */
  manifestDir: string;
  /** The install key's file hashes (role -> xxhash64), as the plan computed them. */
  keyed: Readonly<Record<string, string>>;
  /** An empty folder to write the snapshot into. */
  dest: string;
  hasher: Hasher;
}

/** Where pip finds its inputs: `dest` mirrors every file at its absolute path below it. */
export interface Snapshot {
  root: string;
  requirements: string;
  pipconf: string | undefined;
  /** The local paths the closure and the pip.conf name (find-links, packages), read from the copies' text. */
  paths: PipPath[];
}

export type SnapshotResult =
  | { ok: true; snapshot: Snapshot }
  | {
      ok: false;
      path: string;
      change: 'changed' | 'not a regular file' | 'no longer referenced' | 'newly referenced';
    };

/**
 * Copies the closure, each file at `dest/<its absolute path>` so that relative `-r`/`-c` lines
 * resolve to the copies, rewritten to mean what the originals meant (see rewrite).
 */
export function snapshotRequirements(request: SnapshotRequest): SnapshotResult {
  const seen = new Set<string>();
  const paths: PipPath[] = [];
  const queue = [request.requirements];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (seen.has(file)) continue;
    if (!existsSync(file)) {
      // A reference to a missing file: pip reports it, as it would have.
      seen.add(file);
      continue;
    }
    const bytes = readInput(file);
    if (!Buffer.isBuffer(bytes)) return bytes;
    const changed = check(request, requirementsRole(file, request.requirements, request.manifestDir), file, bytes);
    if (changed) return changed;
    seen.add(file);
    const text = bytes.toString('utf8');
    const named = pipPathsInRequirements(text, file, request.manifestDir);
    paths.push(...named);
    const refs = referencesIn(text, file);
    queue.push(...refs.map((r) => r.abs));
    write(mirror(request.dest, file), rewrite(text, file, request.manifestDir, named));
  }
  const roles = new Set([...seen].map((f) => requirementsRole(f, request.requirements, request.manifestDir)));
  const missing = Object.keys(request.keyed).find((role) => role !== 'pip.conf' && !roles.has(role));
  if (missing !== undefined) return { ok: false, path: missing, change: 'no longer referenced' };
  let pipconf: string | undefined;
  if (request.pipconf !== undefined) {
    const bytes = readInput(request.pipconf);
    if (!Buffer.isBuffer(bytes)) return bytes;
    const changed = check(request, 'pip.conf', request.pipconf, bytes);
    if (changed) return changed;
    pipconf = mirror(request.dest, request.pipconf);
    write(pipconf, bytes);
    paths.push(...pipPathsInPipConf(bytes.toString('utf8'), request.pipconf, request.manifestDir));
  }
  return {
    ok: true,
    snapshot: { root: request.dest, requirements: mirror(request.dest, request.requirements), pipconf, paths },
  };
}

/** A file's bytes; a fifo or device swapped in since planning is refused unopened, as a change. */
function readInput(file: string): Buffer | SnapshotResult {
  try {
    return readRegularFileSync(file);
  } catch (error) {
    if (error instanceof InputProblemError) return { ok: false, path: file, change: 'not a regular file' };
    throw error;
  }
}

function check(request: SnapshotRequest, role: string, file: string, bytes: Buffer): SnapshotResult | undefined {
  const keyed = request.keyed[role];
  if (keyed === request.hasher.bytes(bytes)) return undefined;
  return { ok: false, path: file, change: keyed === undefined ? 'newly referenced' : 'changed' };
}

function mirror(root: string, abs: string): string {
  return path.join(root, path.resolve(abs));
}

function write(file: string, data: string | Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
}

/**
 * The copy's text: an absolute `-r`/`-c` made relative (to reach the copy), and a find-links
 * folder that pip found beside the original file (pip-paths.ts applies pip's rule) named from the
 * manifest folder instead, since the copy does not sit beside it.
 */
function rewrite(text: string, file: string, manifestDir: string, named: readonly PipPath[]): string {
  const refs = new Map(referencesIn(text, file).map((r) => [r.line, r]));
  const dir = path.dirname(file);
  const beside = new Map(
    named
      .filter((p) => p.kind === 'find-links' && !p.absolute && p.abs !== path.resolve(manifestDir, p.text))
      .map((p) => [p.line - 1, p]),
  );
  return text
    .split(/(?<=\n)/)
    .map((line, i) => {
      const ref = refs.get(i);
      if (ref && path.isAbsolute(ref.ref)) return `${ref.before}${path.relative(dir, ref.abs)}${ref.after}${eol(line)}`;
      const links = beside.get(i);
      const at = links === undefined ? -1 : links.column - 1;
      // Only where the line holds the path as found (a line break pip knows and this split does not: left as is).
      if (links === undefined || line.slice(at, at + links.text.length) !== links.text) return line;
      const fromCwd = path.relative(manifestDir, links.abs) || '.';
      return `${line.slice(0, at)}${fromCwd}${line.slice(at + links.text.length)}`;
    })
    .join('');
}

function eol(line: string): string {
  return /\r?\n$/.exec(line)?.[0] ?? '';
}
