// Owns planning a build: the graph for the selected entries, each node's key and input breakdown,
// and the files each zip will hold. Leaves running nodes to run-build.ts.
import path from 'node:path';
import type { CacheDatabase } from '../cache/database.js';
import type { ContextFile, DockerSupport, ImageInputs, ImageResult } from '../executors/docker-support.js';
import { probePython, type PythonInfoResult } from '../executors/python-info.js';
import { InputProblemError, LARGEST_INPUT_BYTES } from '../fs/input-problem.js';
import type { OwnOutput } from '../fs/own-output.js';
import type { FolderWalker } from '../fs/walk.js';
import type { SourceFile } from '../fs/source-file.js';
import { buildGraph } from '../graph/build-graph.js';
import type { DepsNode, GraphNode, ImageNode, PackageNode } from '../graph/nodes.js';
import { selectNodes, withUpstream } from '../graph/select.js';
import { shardGraph, type Shard } from '../graph/shard.js';
import type { FileHasher } from '../hash/file-hasher.js';
import type { Hasher } from '../hash/xxhash.js';
import type { BuildSettings, Manifest } from '../manifest/types.js';
import { unreachable } from '../unreachable.js';
import { includeFilters } from '../zip/exclusions.js';
import type { ZipTime } from '../zip/timestamp.js';
import { COMPRESSOR } from '../zip/compress.js';
import { ImageRefs, onBuildReadsContext, uncheckedWarning } from './image-refs.js';
import { keyOf, makeBreakdown, type KeyBreakdown } from './node-key.js';
import { ELF_SUMMARY_VERSION } from '../native/elf-summary.js';
import { hostLibrariesId } from '../native/host-libraries.js';
import { NATIVE_RULES } from '../native/resolve.js';
import { nativeTarget, type NativeTarget } from '../native/target.js';
import { requirementsClosure, requirementsRole } from './requirements-files.js';
import { planCheck, type PlannedHandler } from './plan-check.js';

/** A file placed in a zip; `archivePath` is relative to the entry's root (before a layer's python/). */
export interface PackageFile {
  archivePath: string;
  source: SourceFile;
  /** The content hash in the key: the zip writer refuses other bytes. Set once the key is computed. */
  xxh64?: string;
}

export interface PlannedNode {
  node: GraphNode;
  key: string;
  breakdown: KeyBreakdown;
  /** For layers and functions: the included files, sorted, after exclusions. */
  files: PackageFile[];
  /** For external images: the ID it resolved to, or why it could not be. */
  resolved?: ImageResult;
  /** For images built from a Dockerfile: the context files the build reads (all that is sent). */
  contextFiles?: ContextFile[];
  /** For layers and functions not set to `native_libs: off`: the runtime their ELF files are judged against. */
  native?: NativeTarget;
  /** For a layer some function lists: needs it cannot meet alone are left to those functions. */
  listedLayer?: boolean;
  /** For a check: the handler it runs (or the modules to suggest when there is none). */
  handler?: PlannedHandler;
  /** For a check: its runtime image's reference, as messages name it. */
  runtimeRef?: string;
}

/** How messages name a node: `function api`, `deps requirements.txt`. */
export function labelOf(planned: PlannedNode): string {
  return `${planned.node.kind} ${planned.node.name}`;
}

export interface BuildPlan {
  nodes: PlannedNode[];
  byId: Map<string, PlannedNode>;
  /** The host interpreter whose description went into local install keys (probed only if one is planned). */
  python: PythonInfoResult | undefined;
  /** Folders that are never inputs (the output folder, the cache): never sent to a container either. */
  skip: readonly string[];
}

export type PlanResult =
  { ok: true; plan: BuildPlan } | { ok: false; reason: 'no-match'; filter: string; names: string[] };

export interface PlanContext {
  manifest: Manifest;
  hasher: Hasher;
  files: FileHasher;
  walker: FolderWalker;
  db: CacheDatabase;
  time: ZipTime;
  filter: string | undefined;
  shard?: Shard | undefined;
  docker: DockerSupport | undefined;
  /** Folders that are never inputs: the output folder and the cache. */
  skip: readonly string[];
  onLog: (node: GraphNode, line: string) => void;
  /** The files juni's own stdout/stderr are redirected to: never packable (fs/own-output.ts). */
  ownOutput?: readonly OwnOutput[] | undefined;
  /** A warning about the whole plan (e.g. image IDs that could not be checked), given once. */
  onWarning: (code: string, message: string) => void;
  signal: AbortSignal;
  /** Check each function's handler (`juni check`, `build --check`), or invoke one (`juni invoke`). */
  checks?: PlanChecks | undefined;
}

export type PlanChecks = { mode: 'check' } | { mode: 'invoke'; name: string; event: string };

/**
 * Computes every selected node's key, in topological order. Reads inputs; writes only the stat cache,
 * remembered image IDs (image-refs.ts) and the interpreter probe, and may pull a missing image.
 */
export async function planBuild(ctx: PlanContext): Promise<PlanResult> {
  const checks = ctx.checks && {
    ...ctx.checks,
    runtimeImage: (python: string | undefined) =>
      ctx.docker?.defaultRuntimeImage(python) ?? `amazon/aws-lambda-python:${python ?? '3.12'}`,
  };
  const graph = buildGraph(ctx.manifest, {
    defaultImage: (python) => ctx.docker?.defaultImage(python) ?? `python:${python ?? '3.12'}`,
    checks,
  });
  // An invoke runs one function: its graph is that function's invoke and what it needs.
  const invoked = graph.nodes.find((n) => n.kind === 'check' && n.event !== undefined);
  const selected = invoked
    ? { ok: true as const, graph: withUpstream(graph, [invoked.id]) }
    : selectNodes(graph, ctx.filter);
  if (!selected.ok) return selected;
  const mine = ctx.shard ? shardGraph(selected.graph, ctx.shard) : selected.graph;

  let python: PythonInfoResult | undefined;
  const pythonInfo = (): PythonInfoResult => (python ??= probePython(ctx.db, ctx.manifest.dir));
  const planned = new Map<string, PlannedNode>();
  /** Installs whose inputs equal an earlier one's: their users are served by that one. */
  const alias = new Map<string, string>();
  const depsByKey = new Map<string, PlannedNode>();
  const images = new ImageRefs(ctx.db, ctx.docker);

  for (const node of mine.nodes) {
    switch (node.kind) {
      case 'image':
        planned.set(node.id, await planImage(ctx, node, images));
        break;
      case 'deps': {
        const breakdown = depsBreakdown(ctx, node, planned, pythonInfo);
        const key = keyOf(ctx.hasher, breakdown);
        const twin = depsByKey.get(key);
        if (twin) {
          alias.set(node.id, twin.node.id);
          (twin.node as DepsNode).users.push(...node.users);
          break;
        }
        const p: PlannedNode = { node, key, breakdown, files: [] };
        depsByKey.set(key, p);
        planned.set(node.id, p);
        break;
      }
      case 'layer':
      case 'function': {
        const depsId = node.depsId === undefined ? undefined : (alias.get(node.depsId) ?? node.depsId);
        planned.set(node.id, planPackage(ctx, { ...node, depsId }, planned));
        break;
      }
      case 'check': {
        const task = { signal: ctx.signal, onLog: (line: string) => ctx.onLog(node, line) };
        planned.set(node.id, { node, files: [], ...(await planCheck(ctx, node, planned, images, task)) });
        break;
      }
      default:
        unreachable(node);
    }
  }
  if (images.unchecked.length > 0) ctx.onWarning('images-unchecked', uncheckedWarning(images.unchecked));
  return { ok: true, plan: { nodes: [...planned.values()], byId: planned, python, skip: ctx.skip } };
}

function relative(manifest: Manifest, abs: string): string {
  return path.relative(manifest.dir, abs).split(path.sep).join('/');
}

async function planImage(ctx: PlanContext, node: ImageNode, images: ImageRefs): Promise<PlannedNode> {
  const task = { signal: ctx.signal, onLog: (line: string) => ctx.onLog(node, line) };
  if (node.source.type === 'external') {
    const resolved = await images.resolve(node.source.ref, task);
    // A re-tagged reference resolves to a new ID, and so to a new key: its users rebuild.
    const breakdown = makeBreakdown('image', {
      config: {
        ref: node.source.ref,
        imageId: resolved.ok ? resolved.imageId : `unresolved:${resolved.failure.reason}`,
      },
      files: {},
      upstream: {},
    });
    return { node, key: keyOf(ctx.hasher, breakdown), breakdown, files: [], resolved };
  }
  const spec = node.source.spec;
  const docker = ctx.docker;
  let inputs: ImageInputs = docker?.imageInputs(spec, ctx.skip) ?? { bases: [], files: [] };
  // Every image the build starts from is in the key by ID: a re-tagged or re-pulled base rebuilds.
  const bases: Record<string, string> = {};
  for (const base of inputs.bases) {
    const resolved = await images.resolve(base.ref, task);
    bases[base.ref] = resolved.ok ? resolved.imageId : `unresolved:${resolved.failure.reason}`;
    if (resolved.ok && inputs.wholeContext === undefined && onBuildReadsContext(resolved.onBuild ?? [])) {
      inputs = docker!.imageInputs(spec, ctx.skip, {
        wholeContext: `the base image ${base.ref} has ONBUILD triggers that copy from the context`,
      });
    }
  }
  const files = Object.create(null) as Record<string, string>;
  const contextFiles = inputs.files.map((f) => {
    const stat = ctx.walker.file(f.absPath);
    // `juni build > build.log` beside `COPY . .`: the log would change the key at every build.
    const own = ownOutputOf(ctx, stat);
    if (own)
      throw new InputProblemError({ problem: 'own-output', path: f.absPath, stream: own.stream, image: node.name });
    const xxh64 = ctx.files.hash(f.absPath, stat);
    files[`context/${f.relPath}`] = xxh64 + (stat.exec ? ':x' : '');
    return { ...f, xxh64 };
  });
  files.Dockerfile = ctx.files.hash(spec.dockerfile, ctx.walker.file(spec.dockerfile));
  const breakdown = makeBreakdown('image', {
    config: {
      args: spec.args,
      target: spec.target ?? null,
      tag: spec.tag ?? null,
      dockerfile: relative(ctx.manifest, spec.dockerfile),
      bases,
      // Which context files count: those the Dockerfile names, or all of them, and why.
      context: inputs.wholeContext === undefined ? 'named' : `whole: ${inputs.wholeContext}`,
    },
    files,
    upstream: {},
  });
  // A base juni cannot name cannot be in the key: building would risk a stale image under it.
  const unresolved = inputs.unresolvedImage;
  const resolved: ImageResult | undefined = unresolved && {
    ok: false,
    failure: {
      reason: 'image-unavailable',
      ref: unresolved.text,
      message:
        `line ${unresolved.line} of ${relative(ctx.manifest, spec.dockerfile)}: juni cannot resolve the image reference ` +
        `${unresolved.text}, so it cannot key the image on it`,
      hint: 'write image references with plain ARG substitution ($NAME, ${NAME}, ${NAME:-default}) and set the values in args:',
    },
  };
  return {
    node,
    key: keyOf(ctx.hasher, breakdown),
    breakdown,
    files: [],
    contextFiles,
    ...(resolved ? { resolved } : {}),
  };
}

/** Names how installs are made: a new way, or a fix to it, installs again. */
const INSTALLER = 'pip resolves, juni copies wheels 1';

function depsBreakdown(
  ctx: PlanContext,
  node: DepsNode,
  planned: Map<string, PlannedNode>,
  pythonInfo: () => PythonInfoResult,
): KeyBreakdown {
  const { settings } = node;
  const files = Object.create(null) as Record<string, string>;
  const hashInput = (abs: string, role: string): void => {
    files[role] = ctx.files.hash(abs, ctx.walker.file(abs));
  };
  // Content, not path: two requirements files with the same text share one install.
  for (const abs of requirementsClosure(node.requirements))
    hashInput(abs, requirementsRole(abs, node.requirements, ctx.manifest.dir));
  if (settings.pipconf) hashInput(settings.pipconf, 'pip.conf');
  const local = settings.executor === 'local' ? pythonInfo() : undefined;
  const upstream: Record<string, string> = {};
  if (settings.imageId) upstream.image = planned.get(settings.imageId)!.key;
  return makeBreakdown('deps', {
    config: {
      executor: settings.executor,
      network: settings.network ?? null,
      python: settings.python ?? null,
      architecture: settings.architecture ?? null,
      interpreter: local === undefined ? null : local.ok ? local.description : `unavailable: ${local.reason}`,
      // Its pack's entries are copied into zips as compressed bytes.
      compressor: COMPRESSOR,
      // Its files' ELF summaries are stored with it: a new reader reads them again.
      elf: ELF_SUMMARY_VERSION,
      // pip resolves and juni copies the wheels' entries (install/install-set.ts).
      installer: INSTALLER,
    },
    files,
    upstream,
  });
}

function planPackage(ctx: PlanContext, node: PackageNode, planned: Map<string, PlannedNode>): PlannedNode {
  const spec = node.spec;
  const filterOf = includeFilters(spec.settings);
  const byPath = new Map<string, PackageFile>();
  for (const include of spec.includes) {
    if (include.kind === 'file') {
      // An explicitly named file is always packaged, as juniper copied it.
      const source = withEntry(node.name, () => ctx.walker.file(include.path));
      byPath.set(source.relPath, { archivePath: source.relPath, source });
      continue;
    }
    const keep = filterOf(include.prefix);
    for (const source of ctx.walker.walk(include.path)) {
      if (!keep(source.relPath)) continue;
      const archivePath = include.prefix ? `${include.prefix}/${source.relPath}` : source.relPath;
      byPath.set(archivePath, { archivePath, source });
    }
    // Only what the entry would package is refused: an excluded fifo or socket is no one's input.
    const special = ctx.walker.specials(include.path).find((f) => keep(f.relPath));
    if (special) {
      throw new InputProblemError({
        problem: 'not-regular',
        path: special.absPath,
        type: special.type,
        entry: node.name,
      });
    }
    // Likewise a path juni may not look at (prepare.ts words the error with its path).
    const unreadable = ctx.walker.unreadable(include.path).find((f) => keep(f.relPath));
    if (unreadable) throw unreadable.error;
  }
  const files = [...byPath.values()].sort((a, b) =>
    a.archivePath < b.archivePath ? -1 : a.archivePath > b.archivePath ? 1 : 0,
  );
  for (const f of files) checkPackable(ctx, node.name, f.source);
  // No prototype: an included file may be named `__proto__`.
  const fileHashes = Object.create(null) as Record<string, string>;
  for (const f of files) {
    f.xxh64 = ctx.files.hash(f.source.absPath, f.source);
    fileHashes[f.archivePath] = f.xxh64 + (f.source.exec ? ':x' : '');
  }
  const upstream: Record<string, string> = {};
  if (node.depsId) upstream.deps = planned.get(node.depsId)!.key;
  if (node.imageId) upstream.image = planned.get(node.imageId)!.key;
  if (node.kind === 'function') for (const id of node.layerIds) upstream[id] = planned.get(id)!.key;
  const { nativeLibs, runtimeLibs } = spec.settings;
  const target = nativeTarget(ctx.manifest.python, ctx.manifest.architecture, runtimeLibs);
  // A layer some function lists leaves what it cannot meet alone to those functions (resolve.ts).
  const listed = node.kind === 'layer' && ctx.manifest.functions.some((f) => f.layers.includes(node.name));
  const breakdown = makeBreakdown(node.kind, {
    // The name keeps statuses and explanations per entry; equal zips still share one stored file.
    config: {
      name: node.name,
      layout: node.kind,
      timestamp: ctx.time.label,
      compressor: COMPRESSOR,
      exclude: spec.settings.exclude,
      keep: spec.settings.keep,
      native_libs: nativeLibs,
      ...nativeConfig(ctx.hasher, target, spec.settings),
      ...(node.kind === 'layer' ? { native_scope: listed ? 'with the functions that list it' : 'alone' } : {}),
    },
    files: fileHashes,
    upstream,
  });
  return {
    node,
    key: keyOf(ctx.hasher, breakdown),
    breakdown,
    files,
    ...(nativeLibs === 'off' ? {} : { native: target }),
    ...(listed ? { listedLayer: true } : {}),
  };
}

/**
 * What a zip's native-library judgement depends on (kept with native_libs: off too, so turning it
 * on is one change), one setting per key so `juni why` names the one that changed: the target,
 * the user's runtime_libs, juni's rules and runtime list (as a hash),
 * and for a local bundle this machine's libraries (its zip differs from another machine's by key).
 */
function nativeConfig(hasher: Hasher, target: NativeTarget, settings: BuildSettings): Record<string, unknown> {
  const glibc = target.os?.glibc;
  const provided = [...target.provided].sort();
  return {
    native_target: `${target.architecture}, python ${target.python ?? 'unset'}, glibc ${glibc ?? 'unknown'}`,
    runtime_libs: [...settings.runtimeLibs].sort(),
    native_rules: `${NATIVE_RULES}/${hasher.string(JSON.stringify(provided))}`,
    ...(settings.nativeLibs === 'bundle' && settings.executor === 'local'
      ? { host_libraries: hostLibrariesId(hasher, target.architecture) }
      : {}),
  };
}

/** Refuses, before it is hashed, a file no Lambda package can hold or that juni's own output is growing. */
function checkPackable(ctx: PlanContext, entry: string, source: SourceFile): void {
  if (source.size > LARGEST_INPUT_BYTES) {
    throw new InputProblemError({
      problem: 'too-large',
      path: source.absPath,
      bytes: source.size,
      allowed: LARGEST_INPUT_BYTES,
      entry,
    });
  }
  const own = ownOutputOf(ctx, source);
  if (own) throw new InputProblemError({ problem: 'own-output', path: source.absPath, stream: own.stream, entry });
}

function ownOutputOf(ctx: PlanContext, file: Pick<SourceFile, 'dev' | 'ino'>): OwnOutput | undefined {
  return ctx.ownOutput?.find((o) => o.dev === file.dev && o.ino === file.ino);
}

/** Names the entry in an input problem met while reading its includes. */
function withEntry<T>(entry: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof InputProblemError && error.problem.entry === undefined) {
      throw new InputProblemError({ ...error.problem, entry });
    }
    throw error;
  }
}
