// Owns running one deps node: reuse the installed tree when its key is cached and intact,
// otherwise install through the entry's executor into a temp folder and commit it.
// Leaves pip itself to the executors.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TreeFile, TreeOutput } from '../cache/results.js';
import { FolderWalker } from '../fs/walk.js';
import type { DepsNode } from '../graph/nodes.js';
import type { BuildContext, NodeRun } from './context.js';
import { refOf } from './context.js';
import type { PlannedNode } from './plan.js';

export async function runDeps(ctx: BuildContext, planned: PlannedNode, node: DepsNode): Promise<NodeRun> {
  const started = performance.now();
  const ref = refOf(planned);
  const stored = ctx.force ? undefined : ctx.results.get(planned.key);
  if (stored?.output.type === 'tree') {
    // Nobody downstream needs the tree this build: the stored result is enough.
    if (!ctx.needed.has(node.id) || treeIsIntact(ctx.artifacts.treePath(planned.key), stored.output)) {
      ctx.results.touch(planned.key);
      ctx.emit({ type: 'cache-hit', node: ref, cache: 'local', outputs: [] });
      return { ok: true, status: 'cached', outputs: [], bytesWritten: 0, durationMs: performance.now() - started };
    }
    ctx.emit({ type: 'warning', node: ref, message: `the cached install of ${node.name} was damaged; reinstalling it` });
    ctx.results.delete(planned.key);
    ctx.artifacts.remove(ctx.artifacts.treePath(planned.key));
  }
  ctx.emit({ type: 'node-start', node: ref });
  const executor = ctx.executors.get(node.settings.executor);
  if (!executor) {
    return {
      ok: false, durationMs: performance.now() - started,
      failure: {
        reason: 'executor-unavailable', executor: node.settings.executor,
        message: `the ${node.settings.executor} executor is not available in this build of juni`,
        hint: 'use --executor local (pip on this machine)',
      },
    };
  }
  const temp = ctx.artifacts.tempPath('deps');
  const imageId = node.settings.imageId === undefined ? undefined : ctx.imageIds.get(node.settings.imageId);
  const installed = await executor.installDeps({
    node, target: temp, cwd: ctx.manifest.dir, signal: ctx.signal, imageId,
    onLog: (line) => ctx.emit({ type: 'log', node: ref, line }),
  });
  if (!installed.ok) {
    ctx.artifacts.remove(temp);
    return { ok: false, failure: installed.failure, durationMs: performance.now() - started };
  }
  const output = describeTree(temp);
  ctx.artifacts.commit(temp, ctx.artifacts.treePath(planned.key));
  const durationMs = performance.now() - started;
  ctx.results.put({ key: planned.key, kind: 'deps', name: node.name, output, inputs: planned.breakdown, durationMs });
  return { ok: true, status: 'built', outputs: [], bytesWritten: 0, durationMs };
}

export function describeTree(root: string): TreeOutput {
  if (!existsSync(root)) return { type: 'tree', files: [], bytes: 0 };
  const files: TreeFile[] = new FolderWalker({ skip: [] }).walk(root).map((f) => ({ path: f.relPath, size: f.size, exec: f.exec }));
  return { type: 'tree', files, bytes: files.reduce((n, f) => n + f.size, 0) };
}

/** Cheap integrity check before reuse: every recorded file is there with its recorded size. */
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
