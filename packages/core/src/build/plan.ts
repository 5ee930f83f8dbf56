// Owns planning a build: the graph for the selected entries, each node's key and input breakdown,
// and the files each zip will hold. Leaves running nodes to run-build.ts.
import path from 'node:path';
import type { CacheDatabase } from '../cache/database.js';
import type { FolderWalker } from '../fs/walk.js';
import type { SourceFile } from '../fs/source-file.js';
import { buildGraph } from '../graph/build-graph.js';
import type { DepsNode, DepsSettings, GraphNode, PackageNode } from '../graph/nodes.js';
import { selectNodes } from '../graph/select.js';
import type { FileHasher } from '../hash/file-hasher.js';
import type { Hasher } from '../hash/xxhash.js';
import type { Manifest } from '../manifest/types.js';
import { probePython, type PythonInfoResult } from '../executors/python-info.js';
import { makePathFilter } from '../zip/exclusions.js';
import type { ZipTime } from '../zip/timestamp.js';
import { keyOf, makeBreakdown, type KeyBreakdown } from './node-key.js';
import { requirementsClosure } from './requirements-files.js';
import { unreachable } from '../unreachable.js';

/** A file placed in a zip; `archivePath` is relative to the entry's root (before a layer's python/). */
export interface PackageFile {
  archivePath: string;
  source: SourceFile;
}

export interface PlannedNode {
  node: GraphNode;
  key: string;
  breakdown: KeyBreakdown;
  /** For layers and functions: the included files, sorted, after exclusions. */
  files: PackageFile[];
}

export interface BuildPlan {
  nodes: PlannedNode[];
  byId: Map<string, PlannedNode>;
  /** Set when a local install needs Python and it is not usable. */
  python: PythonInfoResult | undefined;
}

export type PlanResult =
  | { ok: true; plan: BuildPlan }
  | { ok: false; reason: 'no-match'; filter: string; names: string[] };

export interface PlanContext {
  manifest: Manifest;
  hasher: Hasher;
  files: FileHasher;
  walker: FolderWalker;
  db: CacheDatabase;
  time: ZipTime;
  filter: string | undefined;
}

/** Computes every selected node's key. Reads (and stat-caches) inputs; writes nothing else. */
export function planBuild(ctx: PlanContext): PlanResult {
  const depsBreakdowns = new Map<string, { breakdown: KeyBreakdown }>();
  let python: PythonInfoResult | undefined;
  const pythonInfo = (): PythonInfoResult => (python ??= probePython(ctx.db));

  const graph = buildGraph(ctx.manifest, {
    depsIdentity: (requirements, settings) => {
      const breakdown = depsBreakdown(ctx, requirements, settings, pythonInfo);
      const key = keyOf(ctx.hasher, breakdown);
      depsBreakdowns.set(key, { breakdown });
      return key;
    },
  });
  const selected = selectNodes(graph, ctx.filter);
  if (!selected.ok) return selected;

  const planned = new Map<string, PlannedNode>();
  for (const node of selected.graph.nodes) {
    switch (node.kind) {
      case 'deps': {
        const key = node.id.slice('deps:'.length);
        planned.set(node.id, { node, key, breakdown: depsBreakdowns.get(key)!.breakdown, files: [] });
        break;
      }
      case 'layer':
      case 'function':
        planned.set(node.id, planPackage(ctx, node, planned));
        break;
      case 'image':
        throw new Error('image nodes are planned by the Docker executor');
      default:
        unreachable(node);
    }
  }
  const nodes = [...planned.values()];
  return { ok: true, plan: { nodes, byId: planned, python: python?.ok === false ? python : undefined } };
}

function relative(manifest: Manifest, abs: string): string {
  return path.relative(manifest.dir, abs).split(path.sep).join('/');
}

function depsBreakdown(ctx: PlanContext, requirements: string, settings: DepsSettings, pythonInfo: () => PythonInfoResult): KeyBreakdown {
  const files: Record<string, string> = {};
  const hashInput = (abs: string, role: string): void => {
    files[role] = ctx.files.hash(abs, ctx.walker.file(abs));
  };
  for (const abs of requirementsClosure(requirements)) hashInput(abs, relative(ctx.manifest, abs));
  if (settings.pipconf) hashInput(settings.pipconf, 'pip.conf');
  const target = settings.executor === 'local' ? pythonInfo() : undefined;
  return makeBreakdown('deps', {
    config: {
      executor: settings.executor,
      image: settings.image ?? null,
      network: settings.network ?? null,
      python: settings.python ?? null,
      architecture: settings.architecture ?? null,
      interpreter: target === undefined ? null : target.ok ? target.description : `unavailable: ${target.reason}`,
    },
    files,
    upstream: {},
  });
}

function planPackage(ctx: PlanContext, node: PackageNode, planned: Map<string, PlannedNode>): PlannedNode {
  const spec = node.spec;
  const keepFile = makePathFilter(spec.settings);
  const byPath = new Map<string, PackageFile>();
  for (const include of spec.includes) {
    if (include.kind === 'file') {
      // An explicitly named file is always packaged, as juniper copied it.
      const source = ctx.walker.file(include.path);
      byPath.set(source.relPath, { archivePath: source.relPath, source });
      continue;
    }
    for (const source of ctx.walker.walk(include.path)) {
      if (!keepFile(source.relPath)) continue;
      const archivePath = include.prefix ? `${include.prefix}/${source.relPath}` : source.relPath;
      byPath.set(archivePath, { archivePath, source });
    }
  }
  const files = [...byPath.values()].sort((a, b) => (a.archivePath < b.archivePath ? -1 : a.archivePath > b.archivePath ? 1 : 0));
  const fileHashes: Record<string, string> = {};
  for (const f of files) fileHashes[f.archivePath] = ctx.files.hash(f.source.absPath, f.source) + (f.source.exec ? ':x' : '');
  const upstream: Record<string, string> = {};
  if (node.depsId) upstream.deps = planned.get(node.depsId)!.key;
  if (node.kind === 'function') for (const id of node.layerIds) upstream[id] = planned.get(id)!.key;
  const breakdown = makeBreakdown(node.kind, {
    config: {
      layout: node.kind,
      timestamp: ctx.time.label,
      exclude: spec.settings.exclude,
      keep: spec.settings.keep,
      executor: spec.settings.executor,
    },
    files: fileHashes,
    upstream,
  });
  return { node, key: keyOf(ctx.hasher, breakdown), breakdown, files };
}

export type { DepsNode };
