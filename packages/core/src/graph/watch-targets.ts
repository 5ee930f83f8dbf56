// Owns the list of paths a build of the selected entries depends on: what --watch watches.
// Leaves watching itself to the CLI.
import path from 'node:path';
import type { Manifest } from '../manifest/types.js';
import { requirementsClosure } from '../plan/requirements-files.js';

export interface WatchTargets {
  /** Files and folders to watch (folders recursively). */
  paths: string[];
  /** Folders never to react to: the output folder and the cache. */
  ignore: string[];
}

/**
 * The manifest, pip.conf, requirements files (with their -r/-c files), includes, and the
 * Dockerfiles and contexts of the images the selected entries use.
 */
export function watchTargets(
  manifest: Manifest,
  options: { filter?: string | undefined; cacheDir: string },
): WatchTargets {
  const paths = new Set<string>([manifest.file]);
  if (manifest.pipconf) paths.add(manifest.pipconf);
  const entries = [...manifest.functions, ...manifest.layers];
  const selected = new Set(
    entries.filter((e) => options.filter === undefined || e.name.includes(options.filter)).map((e) => e.name),
  );
  // A selected function's layers are built too, so their inputs count.
  for (const fn of manifest.functions) if (selected.has(fn.name)) for (const l of fn.layers) selected.add(l);
  const images = new Set<string>();
  for (const entry of entries) {
    if (!selected.has(entry.name)) continue;
    if (entry.requirements) for (const f of requirementsClosure(entry.requirements)) paths.add(f);
    for (const include of entry.includes) paths.add(include.path);
    if (entry.settings.executor === 'docker' && entry.settings.image) images.add(entry.settings.image);
  }
  for (const image of manifest.images) {
    if (!images.has(image.name) && !(image.tag && images.has(image.tag))) continue;
    paths.add(image.dockerfile);
    paths.add(image.context);
  }
  return { paths: [...paths].sort(), ignore: [manifest.output, options.cacheDir].map((p) => path.resolve(p)) };
}
