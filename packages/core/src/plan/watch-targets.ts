// Owns the list of paths a build of the selected entries reads: what --watch watches. It asks
// the same graph and selection as a build, so the two cannot disagree. Leaves watching to the CLI.
import path from 'node:path';
import { isWithin } from '../fs/real-path.js';
import { buildGraph } from '../graph/build-graph.js';
import { selectNodes } from '../graph/select.js';
import type { Manifest } from '../manifest/types.js';
import { unreachable } from '../unreachable.js';
import { includeFilters, type PathFilter } from '../zip/exclusions.js';
import { requirementsClosure } from './requirements-files.js';

export interface WatchTargets {
  /** Files and folders to watch (folders recursively). */
  paths: string[];
  /** Folders never to react to: the output folder and the cache. */
  ignore: string[];
  /**
   * Whether a change to this path can change a build: false for a file below an included folder
   * that every entry including it leaves out (`exclude:`, juniper's defaults such as *.pyc), so
   * a log or a byte-code file written there does not start a build.
   */
  isInput: (absPath: string) => boolean;
}

/** A watched folder whose files count only when the entry's filter keeps them. */
interface FilteredFolder {
  root: string;
  keep: PathFilter;
}

/**
 * The manifest, then for each selected node its inputs: requirements files (with their -r/-c
 * files) and pip.conf, includes, and the Dockerfile and context of each image built here.
 */
export function watchTargets(
  manifest: Manifest,
  options: { filter?: string | undefined; cacheDir: string; checks?: boolean | undefined },
): WatchTargets {
  const paths = new Set<string>([manifest.file]);
  if (manifest.pipconf) paths.add(manifest.pipconf);
  const ignore = [manifest.output, options.cacheDir].map((p) => path.resolve(p));
  /** Paths any change below which counts: named files, and image contexts (whose keyed files the plan picks). */
  const whole = new Set<string>(paths);
  const filtered: FilteredFolder[] = [];
  const isInput = (absPath: string): boolean => {
    const abs = path.resolve(absPath);
    if (ignore.some((dir) => isWithin(abs, dir))) return false;
    for (const p of whole) if (isWithin(abs, p)) return true;
    return filtered.some((f) => isWithin(abs, f.root) && f.keep(path.relative(f.root, abs).split(path.sep).join('/')));
  };
  // External images are watched by nobody: their name is only needed to build the graph.
  // With checks, a runtime image built from a Dockerfile is an input too.
  const checks = options.checks ? { mode: 'check' as const, runtimeImage: () => 'default' } : undefined;
  const selected = selectNodes(buildGraph(manifest, { defaultImage: () => 'default', checks }), options.filter);
  if (!selected.ok) return { paths: [...paths], ignore, isInput };
  for (const node of selected.graph.nodes) {
    switch (node.kind) {
      case 'deps':
        for (const f of requirementsClosure(node.requirements)) addWhole(f);
        if (node.settings.pipconf) addWhole(node.settings.pipconf);
        break;
      case 'layer':
      case 'function': {
        // The same filters as the planner's (plan.ts planPackage).
        const filterOf = includeFilters(node.spec.settings);
        for (const include of node.spec.includes) {
          paths.add(include.path);
          if (include.kind === 'file') whole.add(include.path);
          else filtered.push({ root: include.path, keep: filterOf(include.prefix) });
        }
        break;
      }
      case 'image':
        if (node.source.type === 'dockerfile') {
          addWhole(node.source.spec.dockerfile);
          addWhole(node.source.spec.context);
        }
        break;
      case 'check':
        // Its inputs are its function's, its layers' and its runtime image's, watched as theirs.
        break;
      default:
        unreachable(node);
    }
  }
  return { paths: [...paths].sort(), ignore, isInput };

  function addWhole(p: string): void {
    paths.add(p);
    whole.add(p);
  }
}
