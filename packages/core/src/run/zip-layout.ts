// Owns juniper's layout of a layer or function zip: which entries it holds and where each comes
// from (an install's pack, an image's lambda files, the includes). Leaves writing to zip/.
import path from 'node:path';
import type { ArtifactStore } from '../cache/artifacts.js';
import type { ElfSummary } from '../cache/node-output.js';
import type { StoredResult, ZipOutput } from '../cache/results.js';
import type { PackageNode } from '../graph/nodes.js';
import type { PlannedNode } from '../plan/plan.js';
import { makePathFilter } from '../zip/exclusions.js';
import { compareBytes, type ZipSource } from '../zip/zip-writer.js';

/** The results of upstream nodes this build, by node id: what a zip copies from. */
export type UpstreamResults = ReadonlyMap<string, StoredResult>;

/** A zip's entries, and the ELF summaries its install recorded for the entries it copies. */
export interface ZipLayout {
  sources: ZipSource[];
  /** Archive path -> summary, for the entries from the install's pack (read when it was installed). */
  packedElf: Map<string, ElfSummary>;
}

/**
 * juniper's layout: the pip tree (copied raw from its pack), the image's lambda files, then the
 * includes (later ones win on a clash); a layer's pip tree and includes under python/.
 */
export function zipSources(
  artifacts: ArtifactStore,
  upstream: UpstreamResults,
  planned: PlannedNode,
  node: PackageNode,
): ZipLayout {
  const packedElf = new Map<string, ElfSummary>();
  const root = node.kind === 'layer' ? 'python/' : '';
  const byPath = new Map<string, ZipSource>();
  if (node.depsId) {
    const stored = upstream.get(node.depsId);
    if (stored?.output.type !== 'pack') throw new Error(`the install ${node.depsId} has no stored pack`);
    const pack = artifacts.packPath(stored.key);
    const keepFile = makePathFilter(node.spec.settings);
    for (const f of stored.output.files) {
      if (!keepFile(f.path)) continue;
      const archivePath = root + f.path;
      if (f.elf) packedElf.set(archivePath, f.elf);
      const { offset, compressedSize, size, crc32, method } = f;
      byPath.set(archivePath, {
        kind: 'packed',
        archivePath,
        exec: f.exec,
        pack,
        offset,
        compressedSize,
        size,
        crc32,
        method,
      });
    }
  }
  if (node.imageId) {
    const stored = upstream.get(node.imageId);
    if (stored?.output.type !== 'image') throw new Error(`the image ${node.imageId} has no stored lambda files`);
    const lambdaRoot = artifacts.treePath(stored.key);
    for (const file of stored.output.lambdaFiles.files) {
      // A function gets lambda_lib and lambda_bin at its root; a layer under lib/ and bin/.
      const archivePath = node.kind === 'layer' ? file.path : file.path.replace(/^(lib|bin)\//, '');
      const absPath = path.join(lambdaRoot, file.path);
      byPath.set(archivePath, { kind: 'file', archivePath, absPath, size: file.size, exec: file.exec });
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
  const sources = [...byPath.values()].sort((a, b) => compareBytes(a.archivePath, b.archivePath));
  return { sources, packedElf };
}

/** Unzipped size, and the biggest packages or folders (python/<pkg> for layers). */
export function contributorsOf(sources: readonly ZipSource[]): Pick<ZipOutput, 'unzippedBytes' | 'contributors'> {
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
