// Owns running one deps node: reuse the stored pack when its key is cached and intact, otherwise
// install through the entry's executor into a temp folder and compress it into a pack once.
// Leaves pip itself to the executors and the pack format to zip/pack.ts.
import { existsSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { PackOutput, TreeFile, TreeOutput } from '../cache/results.js';
import { sha256ByStat } from '../fs/sha256-file.js';
import { toFileStat } from '../fs/source-file.js';
import { FolderWalker } from '../fs/walk.js';
import type { DepsNode } from '../graph/nodes.js';
import { writePack } from '../zip/pack.js';
import { compareBytes } from '../zip/zip-writer.js';
import type { BuildContext, NodeRun } from './run-context.js';
import { hitSource, refOf } from './run-context.js';
import type { PlannedNode } from '../plan/plan.js';
import { snapshotRequirements } from './requirements-snapshot.js';

export async function runDeps(ctx: BuildContext, planned: PlannedNode, node: DepsNode): Promise<NodeRun> {
  const started = performance.now();
  const ref = refOf(planned);
  const packPath = ctx.artifacts.packPath(planned.key);
  if (!ctx.force && !ctx.needed.has(node.id) && ctx.results.has(planned.key)) {
    // Nobody downstream needs the pack this build: knowing the result exists is enough.
    ctx.results.touch(planned.key);
    ctx.emit({ type: 'cache-hit', node: ref, cache: 'local', outputs: [] });
    return {
      ok: true,
      status: 'cached',
      cache: 'local',
      outputs: [],
      bytesWritten: 0,
      durationMs: performance.now() - started,
    };
  }
  let stored = ctx.force ? undefined : ctx.results.get(planned.key);
  // Local cache, then the remote one, then build. A pack nobody needs is not downloaded: knowing
  // the server has it is enough.
  if (!stored && !ctx.force && ctx.remote) {
    if (ctx.needed.has(node.id)) {
      stored = await ctx.remote.fetch(planned.key, `deps ${node.name}`);
    } else if (await ctx.remote.has(planned.key)) {
      ctx.emit({ type: 'cache-hit', node: ref, cache: 'remote', outputs: [] });
      return {
        ok: true,
        status: 'cached',
        cache: 'remote',
        outputs: [],
        bytesWritten: 0,
        durationMs: performance.now() - started,
      };
    }
  }
  if (stored?.output.type === 'pack') {
    if (!ctx.needed.has(node.id) || (await packIsIntact(ctx, packPath, stored.output))) {
      ctx.results.touch(planned.key);
      const cache = hitSource(ctx, planned.key);
      ctx.emit({ type: 'cache-hit', node: ref, cache, outputs: [] });
      return {
        ok: true,
        status: 'cached',
        cache,
        outputs: [],
        bytesWritten: 0,
        durationMs: performance.now() - started,
      };
    }
    ctx.emit({
      type: 'warning',
      node: ref,
      message: `the cached install of ${node.name} failed its hash check; reinstalling it`,
    });
  }
  if (stored) ctx.results.delete(planned.key);
  ctx.emit({ type: 'node-start', node: ref });
  const executor = ctx.executors.get(node.settings.executor);
  if (!executor) {
    return {
      ok: false,
      durationMs: performance.now() - started,
      failure: {
        reason: 'executor-unavailable',
        executor: node.settings.executor,
        message: `the ${node.settings.executor} executor is not available in this build of juni`,
        hint: 'use --executor local (pip on this machine)',
      },
    };
  }
  const tree = ctx.artifacts.tempPath('deps');
  const inputsDir = ctx.artifacts.tempPath('inputs');
  try {
    const snapshot = snapshotRequirements({
      requirements: node.requirements,
      pipconf: node.settings.pipconf,
      manifestDir: ctx.manifest.dir,
      keyed: planned.breakdown.files,
      dest: inputsDir,
      hasher: ctx.hasher,
    });
    if (!snapshot.ok) {
      const message = `an input changed while installing ${node.name} (${snapshot.message}); nothing was stored; build again`;
      return {
        ok: false,
        durationMs: performance.now() - started,
        failure: { reason: 'input-changed', path: snapshot.path, message },
      };
    }
    const imageId = node.settings.imageId === undefined ? undefined : ctx.imageIds.get(node.settings.imageId);
    const installed = await executor.installDeps({
      node,
      target: tree,
      cwd: ctx.manifest.dir,
      inputs: snapshot.snapshot,
      signal: ctx.signal,
      imageId,
      python: ctx.plan.python,
      onLog: (line) => ctx.emit({ type: 'log', node: ref, line }),
    });
    if (!installed.ok) return { ok: false, failure: installed.failure, durationMs: performance.now() - started };
    const output = await packTree(ctx, tree);
    // Hashed as it was written, so the first zip that uses it need not read it back; but only if
    // the file in place is still ours (same inode): another process may have renamed its over it.
    const ours = statSync(output.tempPack, { bigint: true }).ino;
    ctx.artifacts.commit(output.tempPack, packPath);
    const placed = statSync(packPath, { bigint: true });
    if (placed.ino === ours)
      ctx.stats.set(packPath, 'sha256', toFileStat(placed), output.result.pack.sha256, { trusted: true });
    const durationMs = performance.now() - started;
    ctx.results.put({
      key: planned.key,
      kind: 'deps',
      name: node.name,
      output: output.result,
      inputs: planned.breakdown,
      durationMs,
    });
    ctx.remote?.upload(planned.key, `deps ${node.name}`);
    return { ok: true, status: 'built', outputs: [], bytesWritten: 0, durationMs };
  } finally {
    // The pack holds everything zips need; the loose tree is not kept.
    rmSync(tree, { recursive: true, force: true });
    rmSync(inputsDir, { recursive: true, force: true });
  }
}

async function packTree(ctx: BuildContext, root: string): Promise<{ tempPack: string; result: PackOutput }> {
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
    result: {
      type: 'pack',
      files: files.map((f, i) => ({ ...f, ...written.entries[i]! })),
      bytes: tree.bytes,
      pack: { sha256: written.sha256, bytes: written.bytes },
    },
  };
}

/**
 * A pack is reused only if it still has the bytes it was stored with. Reading 40 MiB costs ~30 ms,
 * so its sha256 is remembered by stat (recorded when the pack was written): any write changes it.
 */
async function packIsIntact(ctx: BuildContext, packPath: string, output: PackOutput): Promise<boolean> {
  const raw = statSync(packPath, { bigint: true, throwIfNoEntry: false });
  if (!raw || Number(raw.size) !== output.pack.bytes) return false;
  return (await sha256ByStat(ctx.stats, packPath, toFileStat(raw))) === output.pack.sha256;
}

export function describeTree(root: string): TreeOutput {
  if (!existsSync(root)) return { type: 'tree', files: [], bytes: 0 };
  const files: TreeFile[] = new FolderWalker({ skip: [] })
    .walk(root)
    .map((f) => ({ path: f.relPath, size: f.size, exec: f.exec }));
  return { type: 'tree', files, bytes: files.reduce((n, f) => n + f.size, 0) };
}

/** Cheap integrity check before reusing a folder: every recorded file is there with its size. */
export function treeIsIntact(root: string, tree: TreeOutput): boolean {
  for (const file of tree.files) {
    try {
      if (statSync(path.join(root, file.path)).size !== file.size) return false;
    } catch {
      return false;
    }
  }
  return tree.files.length > 0 || existsSync(root);
}
