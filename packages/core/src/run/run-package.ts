// Owns running one layer or function node: reuse its stored zip when the key is cached, otherwise
// lay out juniper's zip (deps tree + includes; a layer's under python/) and write it.
// Leaves the zip format to zip/write-zip.ts and the output folder to output-folder.ts.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ZipOutput } from '../cache/results.js';
import type { PackageNode } from '../graph/nodes.js';
import { makePathFilter } from '../zip/exclusions.js';
import { compareBytes, writeZip, type ZipSource } from '../zip/zip-writer.js';
import type { BuildContext, NodeRun } from './run-context.js';
import { hitSource, refOf } from './run-context.js';
import type { OutputFile } from '../report/events.js';
import type { PlannedNode } from '../plan/plan.js';

export async function runPackage(ctx: BuildContext, planned: PlannedNode, node: PackageNode): Promise<NodeRun> {
  const started = performance.now();
  const ref = refOf(planned);
  const stored = ctx.force ? undefined : ctx.results.get(planned.key);
  if (stored?.output.type === 'zip' && existsSync(ctx.artifacts.zipPath(stored.output.sha256))) {
    const placed = await place(ctx, node, stored.output);
    if (placed) {
      ctx.results.touch(planned.key);
      const cache = hitSource(ctx, planned.key);
      ctx.emit({ type: 'cache-hit', node: ref, cache, outputs: [placed.file] });
      return {
        ok: true,
        status: 'cached',
        cache,
        outputs: [placed.file],
        bytesWritten: placed.written,
        durationMs: performance.now() - started,
      };
    }
    ctx.emit({
      type: 'warning',
      node: ref,
      message: `the cached zip of ${node.name} failed its sha256 check; rebuilding it`,
    });
    ctx.results.delete(planned.key);
  }
  ctx.emit({ type: 'node-start', node: ref });
  const temp = ctx.artifacts.tempPath('zip');
  let zip: ZipOutput;
  try {
    const sources = zipSources(ctx, planned, node);
    const toCompress = sources.reduce((n, s) => n + (s.kind === 'file' ? s.size : 0), 0);
    const written = await writeZip(sources, temp, ctx.time, ctx.compressor.for(toCompress));
    zip = { type: 'zip', ...written, ...contributorsOf(sources) };
  } catch (error) {
    ctx.artifacts.remove(temp);
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EZIP64')
      return {
        ok: false,
        durationMs: performance.now() - started,
        failure: { reason: 'lambda-limit', message: `${node.name}: ${e.message}`, contributors: [] },
      };
    if (e.code !== 'ENOENT' && e.code !== 'EINPUTCHANGED') throw error;
    // A file edited or deleted between planning and zipping: nothing is stored under the key
    // computed from the old content, and the next build picks up the change.
    const message = `an input changed while building ${node.name}.zip (${e.message}); nothing was stored; build again`;
    return {
      ok: false,
      durationMs: performance.now() - started,
      failure: { reason: 'input-changed', path: e.path ?? '', message },
    };
  }
  ctx.artifacts.commit(temp, ctx.artifacts.zipPath(zip.sha256));
  const durationMs = performance.now() - started;
  ctx.results.put({
    key: planned.key,
    kind: node.kind,
    name: node.name,
    output: zip,
    inputs: planned.breakdown,
    durationMs,
  });
  const placed = await place(ctx, node, zip, { justWritten: true });
  if (!placed) throw new Error(`the zip just written for ${node.name} failed its sha256 check`);
  ctx.remote?.upload(planned.key, `${node.kind} ${node.name}`);
  return {
    ok: true,
    status: 'built',
    outputs: [placed.file],
    bytesWritten: placed.written,
    durationMs: performance.now() - started,
  };
}

async function place(
  ctx: BuildContext,
  node: PackageNode,
  zip: ZipOutput,
  options: { justWritten?: boolean } = {},
): Promise<{ file: OutputFile; written: number } | undefined> {
  const result = await ctx.output.place(node.name, zip, options);
  if (result.state === 'corrupt') return undefined;
  const rel = path.relative(ctx.manifest.dir, result.path).split(path.sep).join('/');
  return {
    file: { path: rel, sha256: zip.sha256, bytes: zip.bytes },
    written: result.state === 'written' ? zip.bytes : 0,
  };
}

/**
 * juniper's layout: the pip tree (copied raw from its pack), the image's lambda files, then the
 * includes (later ones win on a clash); a layer's pip tree and includes under python/.
 */
function zipSources(ctx: BuildContext, planned: PlannedNode, node: PackageNode): ZipSource[] {
  const root = node.kind === 'layer' ? 'python/' : '';
  const byPath = new Map<string, ZipSource>();
  if (node.depsId) {
    const deps = ctx.plan.byId.get(node.depsId)!;
    const stored = ctx.results.get(deps.key);
    if (stored?.output.type !== 'pack') throw new Error(`the install ${deps.node.name} has no stored pack`);
    const pack = ctx.artifacts.packPath(deps.key);
    const keepFile = makePathFilter(node.spec.settings);
    for (const f of stored.output.files) {
      if (!keepFile(f.path)) continue;
      const archivePath = root + f.path;
      byPath.set(archivePath, {
        kind: 'packed',
        archivePath,
        exec: f.exec,
        pack,
        offset: f.offset,
        compressedSize: f.compressedSize,
        size: f.size,
        crc32: f.crc32,
        method: f.method,
      });
    }
  }
  if (node.imageId) {
    const image = ctx.plan.byId.get(node.imageId)!;
    const stored = ctx.results.get(image.key);
    if (stored?.output.type !== 'image') throw new Error(`the image ${image.node.name} has no stored lambda files`);
    const lambdaRoot = ctx.artifacts.treePath(image.key);
    for (const file of stored.output.lambdaFiles.files) {
      // A function gets lambda_lib and lambda_bin at its root; a layer under lib/ and bin/.
      const archivePath = node.kind === 'layer' ? file.path : file.path.replace(/^(lib|bin)\//, '');
      byPath.set(archivePath, {
        kind: 'file',
        archivePath,
        absPath: path.join(lambdaRoot, file.path),
        size: file.size,
        exec: file.exec,
      });
    }
  }
  for (const { archivePath, source, xxh64 } of planned.files) {
    byPath.set(root + archivePath, {
      kind: 'file',
      archivePath: root + archivePath,
      absPath: source.absPath,
      size: source.size,
      exec: source.exec,
      xxh64,
    });
  }
  return [...byPath.values()].sort((a, b) => compareBytes(a.archivePath, b.archivePath));
}

/** Unzipped size, and the biggest packages or folders (python/<pkg> for layers). */
function contributorsOf(sources: readonly ZipSource[]): Pick<ZipOutput, 'unzippedBytes' | 'contributors'> {
  const sizes = new Map<string, number>();
  let unzippedBytes = 0;
  for (const s of sources) {
    const parts = s.archivePath.split('/');
    const name = parts[0] === 'python' && parts.length > 2 ? `python/${parts[1]}` : parts[0]!;
    sizes.set(name, (sizes.get(name) ?? 0) + s.size);
    unzippedBytes += s.size;
  }
  const contributors = [...sizes]
    .map(([n, bytes]) => ({ name: n, bytes }))
    .sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1))
    .slice(0, 10);
  return { unzippedBytes, contributors };
}
