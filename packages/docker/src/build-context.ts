// Owns an image's build context: the files a build reads (.dockerignore honoured, as `docker
// build` does, then only those the Dockerfile's COPY/ADD/RUN --mount name) and the deterministic
// tar that carries exactly those to the engine, so nothing outside the image key can reach the
// build. Leaves the build to images.ts and reading the Dockerfile to dockerfile-inputs.ts.
import type { Ignore } from '@balena/dockerignore';
import { createRequire } from 'node:module';
import { createReadStream, existsSync, readdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import {
  readRegularFileSync,
  type ContextFile,
  type ImageInputs,
  type ImageSpec,
  type SentBytesCheck,
} from '@juni/core';
import { filesNamedBy } from './context-sources.js';
import { dockerfileInputs } from './dockerfile-inputs.js';

// The package is CommonJS with `exports.default`; require() gives it plainly.
const ignore = (createRequire(import.meta.url)('@balena/dockerignore') as { default: () => Ignore }).default;

/** Where a Dockerfile from outside the context travels inside the tar. */
export const OUTSIDE_DOCKERFILE = '.juni.Dockerfile';

/**
 * What a build of `spec` uses: its base images and the context files it reads. `wholeContext`
 * (a reason) makes every context file count, as when the Dockerfile's sources cannot be known.
 */
export function imageInputs(
  spec: ImageSpec,
  skip: readonly string[],
  options: { wholeContext?: string | undefined } = {},
): ImageInputs {
  const read = dockerfileInputs(readRegularFileSync(spec.dockerfile).toString('utf8'), {
    args: spec.args,
    target: spec.target,
  });
  const all = contextFiles(spec, skip);
  const common = { bases: read.bases, ...(read.unresolvedImage ? { unresolvedImage: read.unresolvedImage } : {}) };
  const whole = options.wholeContext ?? (read.context.kind === 'whole' ? read.context.reason : undefined);
  if (whole !== undefined || read.context.kind === 'whole') return { ...common, files: all, wholeContext: whole };
  const named = filesNamedBy(
    all.map((f) => f.relPath),
    read.context.sources.map((s) => s.source),
  );
  return { ...common, files: all.filter((f) => named.has(f.relPath)) };
}

/** The context's files after .dockerignore and `skip`, sorted (the Dockerfile among them if it is inside). */
function contextFiles(spec: ImageSpec, skip: readonly string[]): ContextFile[] {
  const skipped = new Set(skip.map((p) => path.resolve(p)));
  const ignoreFile = path.join(spec.context, '.dockerignore');
  const rules = ignore();
  if (existsSync(ignoreFile)) rules.add(readRegularFileSync(ignoreFile).toString('utf8').split(/\r?\n/));
  const files: ContextFile[] = [];
  const walk = (dir: string, rel: string, seen: Set<number>): void => {
    // A symlink to a folder above would otherwise recurse until the stack or the path gives out.
    const ino = statSync(dir).ino;
    if (seen.has(ino)) return;
    seen.add(ino);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const abs = path.join(dir, entry.name);
      if (skipped.has(abs)) continue;
      const stat = statOrSkip(abs);
      if (!stat) continue;
      if (rules.ignores(stat.isDirectory() ? `${relPath}/` : relPath) && !stat.isDirectory()) continue;
      if (stat.isDirectory()) walk(abs, relPath, new Set(seen));
      // Fifos, sockets and devices are not sent: core refuses a named one before reading it.
      else if (stat.isFile()) files.push({ absPath: abs, relPath });
    }
  };
  walk(spec.context, '', new Set());
  return files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
}

/** A path's stat, or undefined for a dangling symlink or a loop of them (nothing to send). */
function statOrSkip(abs: string): Stats | undefined {
  try {
    return statSync(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP') return undefined;
    throw error;
  }
}

/** The Dockerfile's path inside the tar. */
export function dockerfileInContext(spec: ImageSpec): string {
  const rel = path.relative(spec.context, spec.dockerfile);
  return rel.startsWith('..') || path.isAbsolute(rel) ? OUTSIDE_DOCKERFILE : rel.split(path.sep).join('/');
}

/** How a build proves it sent the bytes its key holds: core's check, and where to report a mismatch. */
export interface PackCheck extends SentBytesCheck {
  /** Called with each file whose bytes are not those in the key. */
  changed: (relPath: string) => void;
}

/**
 * A tar of `files` and the Dockerfile with fixed times and owners, so equal inputs give equal
 * bytes. No .dockerignore travels: the files are already the ones it lets through. With `check`,
 * every file with a keyed hash is hashed as it streams, so an edit during the build is caught.
 */
export function packContext(spec: ImageSpec, files: readonly ContextFile[], check?: PackCheck): Readable {
  const pack = tar.pack();
  const dockerfile = dockerfileInContext(spec);
  const entries = files
    .filter((f) => f.relPath !== dockerfile)
    .map((f) => ({ name: f.relPath, abs: f.absPath, xxh64: f.xxh64 }));
  entries.push({ name: dockerfile, abs: spec.dockerfile, xxh64: check?.dockerfile });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const next = (i: number): void => {
    const item = entries[i];
    if (!item) {
      pack.finalize();
      return;
    }
    const stat = statSync(item.abs);
    const hash = check && item.xxh64 !== undefined ? check.hash() : undefined;
    const sink = pack.entry(
      { name: item.name, size: stat.size, mode: stat.mode & 0o111 ? 0o755 : 0o644, mtime: new Date(0), uid: 0, gid: 0 },
      (error) => {
        if (error) pack.destroy(error);
        else {
          if (hash && hash.digest() !== item.xxh64) check!.changed(item.name);
          next(i + 1);
        }
      },
    );
    const source = createReadStream(item.abs).on('error', (error) => pack.destroy(error));
    if (hash) source.on('data', (chunk) => hash.update(chunk as Buffer));
    source.pipe(sink);
  };
  next(0);
  return pack as unknown as Readable;
}
