// Owns a zip's native libraries at build time: its ELF files are judged against the entry's
// target (native/resolve.ts) and, with `native_libs: bundle`, what Lambda lacks is copied in from
// where the build ran (the build image, or this machine for the local executor), with what those
// libraries need in turn. Leaves finding libraries to packages/docker and native/host-libraries.ts.
import { rmSync, statSync } from 'node:fs';
import type { BundledLibrary, ElfSummary } from '../cache/node-output.js';
import { zipOutputOf } from '../cache/results.js';
import type { PackageNode } from '../graph/nodes.js';
import { inspectFile, mayBeElf } from '../native/elf-summary.js';
import { findHostLibraries, hostArchitecture } from '../native/host-libraries.js';
import { refusedSoname, type LibraryLookup, type LibraryRequest } from '../native/library-lookup.js';
import { judgeZip, type DeferredNeed, type NativeProblem, type ZipFileView } from '../native/resolve.js';
import type { NativeTarget } from '../native/target.js';
import type { PlannedNode } from '../plan/plan.js';
import type { NativeFinding, NativeJudged, NodeFailure } from '../report/failures.js';
import { compareBytes, type ZipSource } from '../zip/zip-writer.js';
import { refOf, taskOf, type RunContext } from './run-context.js';
import type { ZipLayout } from './zip-layout.js';

type NativeContext = Pick<RunContext, 'executors' | 'upstream' | 'artifacts' | 'plan' | 'signal' | 'emit'>;

export type SettledLibs =
  | {
      ok: true;
      sources: ZipSource[];
      bundled: BundledLibrary[];
      libNames: string[] | undefined;
      /** A listed layer's needs left to its functions (empty otherwise). */
      deferred: DeferredNeed[];
      cleanup: () => void;
    }
  | { ok: false; failure: NodeFailure };

/** Where missing libraries are looked for: the build's own machine, as the build saw it. */
interface LibrarySource {
  searched: NativeJudged['searched'];
  find?: (request: LibraryRequest) => Promise<LibraryLookup>;
}

// Each round bundles what the previous round's libraries need; real chains are two or three deep.
const MOST_ROUNDS = 16;

/**
 * The zip's final entries: `layout`'s, plus the libraries bundled. A zip that would not load on
 * Lambda is a failure naming each file and problem; then nothing is left in the temp folder.
 */
export async function settleNativeLibs(
  ctx: NativeContext,
  planned: PlannedNode,
  node: PackageNode,
  layout: ZipLayout,
): Promise<SettledLibs> {
  const target = planned.native;
  const mode = node.spec.settings.nativeLibs;
  const settled = (sources: ZipSource[], bundled: BundledLibrary[], deferred: DeferredNeed[], cleanup: () => void) => ({
    ok: true as const,
    sources,
    bundled,
    libNames: node.kind === 'layer' ? namesUnderLib(sources) : undefined,
    deferred,
    cleanup,
  });
  if (target === undefined || mode === 'off') return settled(layout.sources, [], [], () => undefined);

  const files = layout.sources.map((s) => viewOf(s, layout.packedElf));
  warnUnreadable(ctx, planned, files);
  const mount = node.kind === 'layer' ? ('/opt' as const) : ('/var/task' as const);
  const layerLibs =
    node.kind === 'function' ? node.layerIds.flatMap((id) => zipOutputOf(ctx.upstream.get(id))?.libNames ?? []) : [];
  // A function judges what its layers left to it.
  const deferred = node.kind === 'function' ? deferredOf(ctx, node.layerIds) : [];
  const judge = (): NativeProblem[] => judgeZip({ mount, files, layerLibs, deferred }, target);
  const source = librarySource(ctx, planned, node, target);
  const sources = [...layout.sources];
  const bundled: BundledLibrary[] = [];
  const dest = ctx.artifacts.tempPath('libs');
  const cleanup = (): void => rmSync(dest, { recursive: true, force: true });
  let kept = false;
  try {
    let problems = judge();
    // Each round bundles what is missing, then judges again: the bundled libraries' own needs.
    for (let round = 0, tried = new Set<string>(); mode === 'bundle' && source.find && round < MOST_ROUNDS; round++) {
      const wanted = missingNames(problems).filter((soname) => !tried.has(soname));
      if (wanted.length === 0) break;
      for (const soname of wanted) tried.add(soname);
      const got = await source.find({ sonames: wanted, architecture: target.architecture, dest });
      if (!got.ok) return got;
      for (const lib of got.found) {
        if (lib.copy === undefined) continue;
        // Where juniper's lambda_lib files go: a function's root (/var/task), a layer's lib/ (/opt/lib).
        const archivePath = (node.kind === 'layer' ? 'lib/' : '') + lib.soname;
        const size = statSync(lib.copy).size;
        ctx.emit({ type: 'log', node: refOf(planned), line: `bundling ${lib.soname} from ${lib.path}` });
        sources.push({ kind: 'file', archivePath, absPath: lib.copy, size, exec: false });
        files.push({ path: archivePath, elf: inspectFile(lib.copy, size) });
        bundled.push({ soname: lib.soname, from: lib.path, path: archivePath, bytes: size });
      }
      problems = judge();
    }
    // A layer a function lists may rely on another layer's lib/: those functions judge what is left.
    const leftOver = planned.listedLayer
      ? problems.flatMap((p) => (p.problem === 'missing' ? [{ file: p.file, soname: p.soname }] : []))
      : [];
    if (leftOver.length > 0) problems = problems.filter((p) => p.problem !== 'missing');
    if (problems.length > 0) return { ok: false, failure: await failureOf(node, mode, target, source, problems) };
    sources.sort((a, b) => compareBytes(a.archivePath, b.archivePath));
    bundled.sort((a, b) => compareBytes(a.path, b.path));
    kept = true;
    return settled(sources, bundled, leftOver, cleanup);
  } finally {
    // The copies live until the zip is written (the caller cleans up then), and not a moment longer otherwise.
    if (!kept) cleanup();
  }
}

/** What the function's layers left to it, each file named with its layer. */
function deferredOf(ctx: NativeContext, layerIds: readonly string[]): DeferredNeed[] {
  return layerIds.flatMap((id) => {
    const name = ctx.plan.byId.get(id)?.node.name ?? id;
    return (zipOutputOf(ctx.upstream.get(id))?.deferred ?? []).map((d) => ({
      file: `layer ${name}: ${d.file}`,
      soname: d.soname,
    }));
  });
}

function viewOf(source: ZipSource, packedElf: ReadonlyMap<string, ElfSummary>): ZipFileView {
  if (source.kind === 'packed') return { path: source.archivePath, elf: packedElf.get(source.archivePath) };
  const elf = mayBeElf(source.archivePath, source.exec) ? inspectFile(source.absPath, source.size) : undefined;
  return { path: source.archivePath, elf };
}

function warnUnreadable(ctx: NativeContext, planned: PlannedNode, files: readonly ZipFileView[]): void {
  for (const f of files) {
    if (f.elf?.unreadable === undefined) continue;
    const message = `${f.path} starts like an ELF file, but ${f.elf.unreadable}: juni cannot tell which libraries it needs`;
    ctx.emit({ type: 'warning', node: refOf(planned), message });
  }
}

/** The files directly in a layer's lib/, which Lambda puts on the loader's path as /opt/lib. */
function namesUnderLib(sources: readonly ZipSource[]): string[] {
  return sources
    .map((s) => /^lib\/([^/]+)$/.exec(s.archivePath)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort(compareBytes);
}

/** The missing sonames worth looking for: a name no file can have (`..`, a path) stays missing. */
function missingNames(problems: readonly NativeProblem[]): string[] {
  const names = problems.flatMap((p) => (p.problem === 'missing' ? [p.soname] : []));
  return [...new Set(names)].filter((soname) => refusedSoname(soname) === undefined);
}

function librarySource(
  ctx: NativeContext,
  planned: PlannedNode,
  node: PackageNode,
  target: NativeTarget,
): LibrarySource {
  if (node.spec.settings.executor === 'local') {
    const host = hostArchitecture();
    if (host !== target.architecture) {
      const why = `this machine is ${host ?? process.arch}, the target ${target.architecture}`;
      return { searched: { where: 'nowhere', why } };
    }
    return { searched: { where: 'host' }, find: (request) => Promise.resolve(findHostLibraries(request)) };
  }
  const docker = ctx.executors.docker;
  const image = node.imageId === undefined ? undefined : ctx.upstream.get(node.imageId);
  const ref = node.imageId === undefined ? undefined : ctx.plan.byId.get(node.imageId)?.node.name;
  if (!docker || image?.output.type !== 'image' || ref === undefined)
    return { searched: { where: 'nowhere', why: 'the build image is not available' } };
  const imageId = image.output.imageId;
  const task = taskOf(ctx, planned);
  return { searched: { where: 'image', ref }, find: (request) => docker.findLibraries(imageId, request, task) };
}

/** The failure, with where the build's machine has each missing library (the first fix to try). */
async function failureOf(
  node: PackageNode,
  mode: 'check' | 'bundle',
  target: NativeTarget,
  source: LibrarySource,
  problems: NativeProblem[],
): Promise<NodeFailure> {
  const foundAt = new Map<string, string>();
  const missing = missingNames(problems);
  let searched = source.searched;
  // After a bundle round every missing one was looked for already, and not found.
  if (mode === 'check' && missing.length > 0 && source.find) {
    const located = await source.find({ sonames: missing, architecture: target.architecture });
    if (located.ok) for (const lib of located.found) foundAt.set(lib.soname, lib.path);
    else if (located.failure.reason === 'aborted') return located.failure;
    // A lookup that failed proves nothing about the image: say so rather than "it has none".
    else
      searched = {
        where: 'nowhere',
        why: 'message' in located.failure ? located.failure.message : located.failure.reason,
      };
  }
  const findings: NativeFinding[] = problems.map((p) => {
    const at = p.problem === 'missing' ? foundAt.get(p.soname) : undefined;
    return at === undefined ? p : { ...p, foundAt: at };
  });
  const os = target.os && { name: target.os.name, glibc: target.os.glibc };
  return {
    reason: 'native-libs',
    entry: node.name,
    kind: node.kind,
    mode,
    judged: { architecture: target.architecture, python: target.python, os, searched },
    problems: findings,
  };
}
