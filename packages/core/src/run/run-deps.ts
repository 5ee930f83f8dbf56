// Owns one install's recipe: pip through the entry's executor, on a checked snapshot of its
// inputs, compressed once into a pack that zips copy from: from a temp folder pip filled on this
// machine, or from the files a container's pip wrote as they stream out of it.
// Leaves pip itself to the executors, the pack format to zip/pack.ts and caching to run-node.ts.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { PackOutput, TreeFile, TreeOutput } from '../cache/results.js';
import { FolderWalker } from '../fs/walk.js';
import { inspectFile } from '../native/elf-summary.js';
import type { DepsNode } from '../graph/nodes.js';
import type { PlannedNode } from '../plan/plan.js';
import { writePack } from '../zip/pack.js';
import type { Executor, InstallRequest } from '../executors/executor.js';
import { installWheelSet } from '../install/install-set.js';
import type { NodeFailure } from '../report/failures.js';
import { compareBytes } from '../zip/zip-writer.js';
import { pipInputs } from './pip-inputs.js';
import { snapshotRequirements } from './requirements-snapshot.js';
import { StreamedTree } from './streamed-tree.js';
import type { Built, NodeRecipe, RunContext } from './run-context.js';
import { refOf } from './run-context.js';

type DepsContext = Pick<
  RunContext,
  | 'artifacts'
  | 'executors'
  | 'hasher'
  | 'compressor'
  | 'manifestDir'
  | 'plan'
  | 'imageIds'
  | 'signal'
  | 'emit'
  | 'saidOnce'
>;

export function depsRecipe(ctx: DepsContext, planned: PlannedNode, node: DepsNode): NodeRecipe {
  return {
    blocked: () => {
      if (node.settings.executor === 'local' || ctx.executors.docker) return undefined;
      return { reason: 'executor-unavailable', executor: 'docker', users: node.users };
    },
    // The pack is read by the zips that copy from it, not here.
    use: () => Promise.resolve({ outputs: [], bytesWritten: 0 }),
    damaged: `the cached install of ${node.name} failed its hash check; reinstalling it`,
    build: () => install(ctx, planned, node),
  };
}

async function install(ctx: DepsContext, planned: PlannedNode, node: DepsNode): Promise<Built> {
  const executor = node.settings.executor === 'local' ? ctx.executors.local : ctx.executors.docker!;
  const tree = ctx.artifacts.tempPath('deps');
  const inputsDir = ctx.artifacts.tempPath('inputs');
  try {
    const snapshot = snapshotRequirements({
      requirements: node.requirements,
      pipconf: node.settings.pipconf,
      manifestDir: ctx.manifestDir,
      keyed: planned.breakdown.files,
      dest: inputsDir,
      hasher: ctx.hasher,
    });
    if (!snapshot.ok) {
      const { path: changed, change } = snapshot;
      return {
        ok: false,
        failure: { reason: 'input-changed', path: changed, entry: node.name, step: 'install', change },
      };
    }
    // pip on this machine reads the project where it is; a container is given what pip will read.
    const local =
      node.settings.executor === 'local'
        ? { ok: true as const, inputs: { files: [], inImage: [] } }
        : pipInputs(snapshot.snapshot.paths, ctx.manifestDir, ctx.plan.skip);
    if (!local.ok)
      return { ok: false, failure: { reason: 'input-unsendable', message: local.message, hint: local.hint } };
    const image = node.settings.imageId === undefined ? undefined : ctx.plan.byId.get(node.settings.imageId);
    const imageId = image === undefined ? undefined : ctx.imageIds.get(image.node.id);
    const ref = refOf(planned);
    const streamedPack = ctx.artifacts.tempPath('pack');
    const streamed = new StreamedTree(streamedPack, (bytes) => ctx.compressor.for(bytes));
    const request: InstallRequest = {
      node,
      target: tree,
      files: streamed,
      local: local.inputs,
      cwd: ctx.manifestDir,
      inputs: snapshot.snapshot,
      signal: ctx.signal,
      imageId,
      imageName: image?.node.name,
      python: ctx.plan.python,
      onLog: (line) => ctx.emit({ type: 'log', node: ref, line }),
    };
    const copied = await installByCopy(ctx, planned, executor, request);
    if (copied !== undefined) {
      await streamed.abandon();
      if (!copied.ok) return copied;
      const result = {
        key: planned.key,
        kind: 'deps',
        name: node.name,
        output: copied.output,
        inputs: planned.breakdown,
      };
      return { ok: true, result, artifact: copied.tempPack };
    }
    const installed = await executor.installDeps(request);
    if (!installed.ok || !installed.streamed) await streamed.abandon();
    if (!installed.ok) return installed;
    const packed = installed.streamed
      ? { tempPack: streamedPack, output: await streamed.finish() }
      : await packTree(ctx, tree);
    const result = {
      key: planned.key,
      kind: 'deps',
      name: node.name,
      output: packed.output,
      inputs: planned.breakdown,
    };
    return { ok: true, result, artifact: packed.tempPack };
  } finally {
    // The pack holds everything zips need; the loose tree is not kept.
    rmSync(tree, { recursive: true, force: true });
    rmSync(inputsDir, { recursive: true, force: true });
  }
}

/**
 * The set resolved by pip and installed by juni from the wheels' own compressed entries; undefined
 * when pip must install it (no resolver, a pip too old, or a distribution juni cannot copy exactly).
 */
async function installByCopy(
  ctx: DepsContext,
  planned: PlannedNode,
  executor: Executor,
  request: InstallRequest,
): Promise<{ ok: true; tempPack: string; output: PackOutput } | { ok: false; failure: NodeFailure } | undefined> {
  if (!executor.resolve) return undefined;
  const resolved = await executor.resolve(request);
  if (resolved.ok === 'unavailable') {
    const message = `pip is installing whole requirement sets: ${resolved.why}`;
    if (!ctx.saidOnce.has(message)) ctx.emit({ type: 'warning', message });
    ctx.saidOnce.add(message);
    return undefined;
  }
  if (!resolved.ok) return resolved;
  const tempPack = ctx.artifacts.tempPath('pack');
  const set = await installWheelSet({
    distributions: resolved.distributions,
    interpreter: resolved.interpreter,
    dest: tempPack,
    compressor: ctx.compressor.for(0),
    signal: ctx.signal,
  });
  if (!set.ok) {
    request.onLog(`juni: pip installs this set, because ${set.unsupported}`);
    return undefined;
  }
  return { ok: true, tempPack, output: set.output };
}

async function packTree(
  ctx: Pick<RunContext, 'artifacts' | 'compressor'>,
  root: string,
): Promise<{ tempPack: string; output: PackOutput }> {
  const tree = describeTree(root);
  const files = [...tree.files].sort((a, b) => compareBytes(a.path, b.path));
  const tempPack = ctx.artifacts.tempPath('pack');
  const written = await writePack(
    files.map((f) => ({ path: f.path, absPath: path.join(root, f.path), size: f.size })),
    tempPack,
    ctx.compressor.for(tree.bytes),
  );
  return {
    tempPack,
    output: {
      type: 'pack',
      files: files.map((f, i) => {
        // Read once here, while the tree is loose: zips judge their native libraries from this record.
        const elf = inspectFile(path.join(root, f.path), f.size);
        return { ...f, ...written.entries[i]!, ...(elf ? { elf } : {}) };
      }),
      bytes: tree.bytes,
      pack: { sha256: written.sha256, bytes: written.bytes },
    },
  };
}

export function describeTree(root: string): TreeOutput {
  if (!existsSync(root)) return { type: 'tree', files: [], bytes: 0 };
  const files: TreeFile[] = new FolderWalker({ skip: [] })
    .walk(root)
    .map((f) => ({ path: f.relPath, size: f.size, exec: f.exec }));
  return { type: 'tree', files, bytes: files.reduce((n, f) => n + f.size, 0) };
}
