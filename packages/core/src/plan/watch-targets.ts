// Owns the list of paths a build of the selected entries reads: what --watch watches. It asks
// the same graph and selection as a build, so the two cannot disagree. Leaves watching to the CLI.
import path from 'node:path';
import { buildGraph } from '../graph/build-graph.js';
import { selectNodes } from '../graph/select.js';
import type { Manifest } from '../manifest/types.js';
import { unreachable } from '../unreachable.js';
import { requirementsClosure } from './requirements-files.js';

export interface WatchTargets {
  /** Files and folders to watch (folders recursively). */
  paths: string[];
  /** Folders never to react to: the output folder and the cache. */
  ignore: string[];
}

/**
 * The manifest, then for each selected node its inputs: requirements files (with their -r/-c
 * files) and pip.conf, includes, and the Dockerfile and context of each image built here.
 */
export function watchTargets(
  manifest: Manifest,
  options: { filter?: string | undefined; cacheDir: string },
): WatchTargets {
  const paths = new Set<string>([manifest.file]);
  if (manifest.pipconf) paths.add(manifest.pipconf);
  const ignore = [manifest.output, options.cacheDir].map((p) => path.resolve(p));
  // External images are watched by nobody: their name is only needed to build the graph.
  const selected = selectNodes(buildGraph(manifest, { defaultImage: () => 'default' }), options.filter);
  if (!selected.ok) return { paths: [...paths], ignore };
  for (const node of selected.graph.nodes) {
    switch (node.kind) {
      case 'deps':
        for (const f of requirementsClosure(node.requirements)) paths.add(f);
        if (node.settings.pipconf) paths.add(node.settings.pipconf);
        break;
      case 'layer':
      case 'function':
        for (const include of node.spec.includes) paths.add(include.path);
        break;
      case 'image':
        if (node.source.type === 'dockerfile') {
          paths.add(node.source.spec.dockerfile);
          paths.add(node.source.spec.context);
        }
        break;
      default:
        unreachable(node);
    }
  }
  return { paths: [...paths].sort(), ignore };
}
