// Owns an image's build context: which files the engine sees (.dockerignore honoured, as
// `docker build` does) and the deterministic tar that carries them. Leaves the build to images.ts.
import type { Ignore } from '@balena/dockerignore';
import { createRequire } from 'node:module';
import { createReadStream, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { ContextFile, ImageSpec } from '@juni/core';

// The package is CommonJS with `exports.default`; require() gives it plainly.
const ignore = (createRequire(import.meta.url)('@balena/dockerignore') as { default: () => Ignore }).default;

/** Where a Dockerfile from outside the context travels inside the tar. */
export const OUTSIDE_DOCKERFILE = '.juni.Dockerfile';

/** The context's files after .dockerignore and `skip`, sorted. The Dockerfile and .dockerignore always go. */
export function contextFiles(spec: ImageSpec, skip: readonly string[]): ContextFile[] {
  const skipped = new Set(skip.map((p) => path.resolve(p)));
  const ignoreFile = path.join(spec.context, '.dockerignore');
  const rules = ignore();
  if (existsSync(ignoreFile)) rules.add(readFileSync(ignoreFile, 'utf8').split(/\r?\n/));
  const files: ContextFile[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const abs = path.join(dir, entry.name);
      if (skipped.has(abs)) continue;
      const stat = statSync(abs, { throwIfNoEntry: false });
      if (!stat) continue;
      const always = abs === spec.dockerfile || relPath === '.dockerignore';
      if (!always && rules.ignores(stat.isDirectory() ? `${relPath}/` : relPath) && !stat.isDirectory()) continue;
      if (stat.isDirectory()) walk(abs, relPath);
      else if (stat.isFile()) files.push({ absPath: abs, relPath });
    }
  };
  walk(spec.context, '');
  return files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
}

/** The Dockerfile's path inside the tar. */
export function dockerfileInContext(spec: ImageSpec): string {
  const rel = path.relative(spec.context, spec.dockerfile);
  return rel.startsWith('..') || path.isAbsolute(rel) ? OUTSIDE_DOCKERFILE : rel.split(path.sep).join('/');
}

/** A tar of the context with fixed times and owners, so equal contexts give equal bytes. */
export function packContext(spec: ImageSpec, skip: readonly string[]): Readable {
  const pack = tar.pack();
  const entries = contextFiles(spec, skip).map((f) => ({ name: f.relPath, abs: f.absPath }));
  if (dockerfileInContext(spec) === OUTSIDE_DOCKERFILE) entries.push({ name: OUTSIDE_DOCKERFILE, abs: spec.dockerfile });
  const next = (i: number): void => {
    const item = entries[i];
    if (!item) {
      pack.finalize();
      return;
    }
    const stat = statSync(item.abs);
    const sink = pack.entry({ name: item.name, size: stat.size, mode: stat.mode & 0o111 ? 0o755 : 0o644, mtime: new Date(0), uid: 0, gid: 0 }, (error) => {
      if (error) pack.destroy(error);
      else next(i + 1);
    });
    createReadStream(item.abs).on('error', (error) => pack.destroy(error)).pipe(sink);
  };
  next(0);
  return pack as unknown as Readable;
}
