// Owns running one node through the cache protocol, the same steps for every kind: look up and
// verify, put a hit to use, else build, store and use. Leaves each kind's steps to its recipe.
import { damagedMidBuild } from '../cache/database-problem.js';
import { systemError } from '../fs/system-error.js';
import { labelOf, type PlannedNode } from '../plan/plan.js';
import { unreachable } from '../unreachable.js';
import { depsRecipe } from './run-deps.js';
import { checkRecipe } from './run-check.js';
import { imageRecipe } from './run-image.js';
import { packageRecipe } from './run-package.js';
import type { NodeRecipe, NodeRun, RunContext } from './run-context.js';
import { refOf } from './run-context.js';

/** Runs one node, turning an unexpected exception into a failure so the others still finish. */
export async function runNode(ctx: RunContext, planned: PlannedNode): Promise<NodeRun> {
  const started = performance.now();
  let run: NodeRun;
  try {
    run = await runRecipe(ctx, planned, recipeOf(ctx, planned));
  } catch (error) {
    const io = systemError(error) ?? damagedMidBuild(ctx.artifacts.cacheDir, error);
    const e = error instanceof Error ? error : new Error(String(error));
    const failure = io
      ? { reason: 'io-error' as const, ...io }
      : { reason: 'unexpected-error' as const, message: e.message, stack: e.stack };
    run = { ok: false, durationMs: performance.now() - started, failure };
  }
  const ref = refOf(planned);
  if (!run.ok) ctx.emit({ type: 'node-failed', node: ref, failure: run.failure, durationMs: run.durationMs });
  else if (run.status === 'built') {
    const handler = run.handler ? { handler: run.handler } : {};
    ctx.emit({ type: 'node-built', node: ref, durationMs: run.durationMs, outputs: run.outputs, ...handler });
  }
  return run;
}

function recipeOf(ctx: RunContext, planned: PlannedNode): NodeRecipe {
  const node = planned.node;
  switch (node.kind) {
    case 'deps':
      return depsRecipe(ctx, planned, node);
    case 'layer':
    case 'function':
      return packageRecipe(ctx, planned, node);
    case 'image':
      return imageRecipe(ctx, planned, node);
    case 'check':
      return checkRecipe(ctx, planned, node);
    default:
      return unreachable(node);
  }
}

async function runRecipe(ctx: RunContext, planned: PlannedNode, recipe: NodeRecipe): Promise<NodeRun> {
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const ref = refOf(planned);
  const label = labelOf(planned);
  const failure = recipe.blocked?.();
  if (failure) return { ok: false, failure, durationMs: elapsed() };

  if (!ctx.force && !recipe.uncached) {
    const found = await ctx.demand.lookup(ctx.cache, planned);
    if (found.state === 'hit') {
      const checked = found.result && recipe.check?.(found.result);
      if (checked?.failure) {
        ctx.cache.touch(planned.key);
        warn(ctx, planned, checked.warnings);
        return { ok: false, failure: checked.failure, durationMs: elapsed() };
      }
      const used = await recipe.use(found.result, { fresh: false });
      if (used) {
        if (found.result) ctx.upstream.set(planned.node.id, found.result);
        ctx.cache.touch(planned.key);
        // Only now: a stored result that turns out damaged is rebuilt and checked again.
        warn(ctx, planned, checked?.warnings ?? []);
        const handler = used.handler ? { handler: used.handler } : {};
        ctx.emit({ type: 'cache-hit', node: ref, cache: found.source, outputs: used.outputs, ...handler });
        return { ok: true, status: 'cached', cache: found.source, ...used, durationMs: elapsed() };
      }
      ctx.cache.drop(planned.key);
    }
    if ((found.state === 'damaged' || found.state === 'hit') && recipe.damaged !== undefined) {
      ctx.emit({ type: 'warning', node: ref, message: recipe.damaged });
    }
  }

  ctx.emit({ type: 'node-start', node: ref });
  const built = await recipe.build();
  if (!built.ok) return { ok: false, failure: built.failure, durationMs: elapsed() };
  const result = { ...built.result, durationMs: elapsed() };
  if (!recipe.uncached) ctx.cache.put(result, built.artifact, label);
  ctx.upstream.set(planned.node.id, result);
  // Checked before it is used, so a refused zip is never placed nor reported as built.
  const checked = recipe.check?.(result);
  warn(ctx, planned, checked?.warnings ?? []);
  if (checked?.failure) return { ok: false, failure: checked.failure, durationMs: elapsed() };
  const used = await recipe.use(result, { fresh: true });
  if (!used) throw new Error(`the ${label} just built could not be used`);
  return { ok: true, status: 'built', ...used, durationMs: elapsed() };
}

function warn(ctx: RunContext, planned: PlannedNode, warnings: readonly string[]): void {
  for (const message of warnings) ctx.emit({ type: 'warning', node: refOf(planned), message });
}
