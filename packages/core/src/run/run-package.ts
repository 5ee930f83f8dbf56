// Owns one layer's or function's recipe: write juniper's zip (see zip-layout.ts) and place it in
// the output folder, or place the stored one; a function's only within Lambda's limits. Leaves the
// zip format to zip/, the output folder to session/output-folder.ts and caching to run-node.ts.
import path from 'node:path';
import { zipOutputOf, type StoredResult, type ZipOutput } from '../cache/results.js';
import type { FunctionNode, PackageNode } from '../graph/nodes.js';
import { labelOf, type PlannedNode } from '../plan/plan.js';
import { checkLambdaLimits, type LimitFindings } from '../report/lambda-limits.js';
import { writeZip } from '../zip/zip-writer.js';
import type { Built, NodeRecipe, RunContext, Used } from './run-context.js';
import { settleNativeLibs } from './native-libs.js';
import { contributorsOf, zipSources } from './zip-layout.js';

type PackageContext = Pick<
  RunContext,
  | 'plan'
  | 'cache'
  | 'artifacts'
  | 'upstream'
  | 'compressor'
  | 'time'
  | 'output'
  | 'manifestDir'
  | 'executors'
  | 'signal'
  | 'emit'
>;

export function packageRecipe(ctx: PackageContext, planned: PlannedNode, node: PackageNode): NodeRecipe {
  return {
    use: (result, how) => place(ctx, node, result, how),
    damaged: `the cached zip of ${node.name} failed its sha256 check; rebuilding it`,
    build: () => build(ctx, planned, node),
    ...(node.kind === 'function' ? { check: (result: StoredResult) => checkLimits(ctx, node, result) } : {}),
  };
}

/** Lambda's limits on the function's zip with its layers' zips, which ran before it. */
function checkLimits(ctx: PackageContext, node: FunctionNode, result: StoredResult): LimitFindings {
  const zip = zipOutputOf(result);
  if (!zip) return { warnings: [], failure: undefined };
  return checkLambdaLimits(node, zip, (id) => zipOutputOf(ctx.upstream.get(id)));
}

async function build(ctx: PackageContext, planned: PlannedNode, node: PackageNode): Promise<Built> {
  for (const id of [node.depsId, node.imageId]) if (id !== undefined) await loadUpstream(ctx, id);
  const settled = await settleNativeLibs(ctx, planned, node, zipSources(ctx.artifacts, ctx.upstream, planned, node));
  if (!settled.ok) return settled;
  const { sources, bundled, libNames, deferred } = settled;
  const temp = ctx.artifacts.tempPath('zip');
  const toCompress = sources.reduce((n, s) => n + (s.kind === 'file' ? s.size : 0), 0);
  const written = await writeZip(sources, temp, ctx.time, ctx.compressor.for(toCompress)).finally(settled.cleanup);
  if (!written.ok) {
    // writeZip leaves nothing at `temp` when it returns a problem.
    const problem = written.problem;
    // A file edited or deleted between planning and zipping: nothing is stored under the key
    // computed from the old content, and the next build picks up the change.
    if (problem.reason === 'input-changed') {
      return { ok: false, failure: { ...problem, entry: node.name, step: 'zip' } };
    }
    const { entries, overFourGiB } = problem;
    return { ok: false, failure: { reason: 'lambda-limit', limit: 'zip64', entry: node.name, entries, overFourGiB } };
  }
  const output: ZipOutput = {
    type: 'zip',
    sha256: written.sha256,
    bytes: written.bytes,
    ...contributorsOf(sources),
    ...(bundled.length > 0 ? { bundled } : {}),
    ...(libNames ? { libNames } : {}),
    ...(deferred.length > 0 ? { deferred } : {}),
  };
  const result = { key: planned.key, kind: node.kind, name: node.name, output, inputs: planned.breakdown };
  return { ok: true, result, artifact: temp };
}

/**
 * An upstream result this zip copies from but the build did not plan to read (the stored zip was
 * usable when the build began, and then failed its check): looked up now, bytes verified.
 */
async function loadUpstream(ctx: PackageContext, id: string): Promise<void> {
  if (ctx.upstream.has(id)) return;
  const upstream = ctx.plan.byId.get(id)!;
  const label = labelOf(upstream);
  const found = await ctx.cache.get({ key: upstream.key, kind: upstream.node.kind, label, need: 'artifact' });
  if (found.state !== 'hit' || !found.result) throw new Error(`${label} is no longer in the cache; build again`);
  ctx.upstream.set(id, found.result);
}

/** Places the zip in the output folder; undefined when the stored zip fails its sha256 check. */
async function place(
  ctx: PackageContext,
  node: PackageNode,
  result: StoredResult | undefined,
  how: { fresh: boolean },
): Promise<Used | undefined> {
  if (result?.output.type !== 'zip') return undefined;
  const zip = result.output;
  // `juni check` and `juni invoke` read the zip from the cache: the output folder is the user's build's.
  if (!ctx.output) return { outputs: [], bytesWritten: 0 };
  const placed = await ctx.output.place(node.name, zip, { justWritten: how.fresh });
  if (placed.state === 'corrupt') return undefined;
  const rel = path.relative(ctx.manifestDir, placed.path).split(path.sep).join('/');
  return {
    outputs: [
      { path: rel, sha256: zip.sha256, bytes: zip.bytes, ...(zip.bundled?.length ? { bundled: zip.bundled } : {}) },
    ],
    bytesWritten: placed.state === 'written' ? zip.bytes : 0,
  };
}
