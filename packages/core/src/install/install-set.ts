// Owns installing a resolved requirement set without pip: every wheel laid out as pip --target
// would (wheel-install.ts) and its entries copied into the install's pack as they are stored in
// the wheel, compressed, never inflated and deflated again. Leaves resolving to pip (the
// executors) and the pack format to zip/pack.ts. What juni cannot make exactly as pip would is
// `unsupported`, and the caller runs pip instead.
import type { PackedTreeFile, PackOutput } from '../cache/node-output.js';
import { inspectBytes, mayBeElf } from '../native/elf-summary.js';
import type { CompressedData } from '../zip/compress.js';
import type { Compressor } from '../zip/compressor-pool.js';
import { PackStream, type PackedEntry } from '../zip/pack.js';
import { compareBytes } from '../zip/zip-writer.js';
import type { ResolvedDistribution } from './pip-report.js';
import { WheelFile } from './wheel-file.js';
import { layOutWheel, type InstalledFile } from './wheel-install.js';

export interface WheelSetRequest {
  distributions: readonly ResolvedDistribution[];
  /** pip's interpreter (`sys.executable`), which scripts name in their `#!` line. */
  interpreter: string;
  /** The pack to write (a temp path of the artifact store). */
  dest: string;
  compressor: Compressor;
  signal: AbortSignal;
}

export type WheelSetResult = { ok: true; output: PackOutput } | { ok: false; unsupported: string };

interface Laid {
  wheel: WheelFile;
  name: string;
  files: InstalledFile[];
}

/** Installs the set into a pack at `dest`; on `unsupported` or a throw, nothing is left at `dest`. */
export async function installWheelSet(request: WheelSetRequest): Promise<WheelSetResult> {
  const laid: Laid[] = [];
  try {
    for (const dist of request.distributions) {
      const why = notCopyable(dist);
      if (why) return { ok: false, unsupported: `${dist.name} ${dist.version} ${why}` };
      const wheel = await WheelFile.open(dist.wheelFile!);
      laid.push({ wheel, name: `${dist.name} ${dist.version}`, files: [] });
      const layout = await layOutWheel(wheel, { interpreter: request.interpreter, requested: dist.requested });
      if (!layout.ok) return { ok: false, unsupported: `${dist.name} ${dist.version}: ${layout.unsupported}` };
      laid[laid.length - 1]!.files = layout.files;
    }
    const clash = firstClash(laid);
    if (clash) return { ok: false, unsupported: clash };
    return { ok: true, output: await writeSetPack(laid, request) };
  } finally {
    for (const l of laid) l.wheel.close();
  }
}

function notCopyable(dist: ResolvedDistribution): string | undefined {
  if (dist.direct) return 'is a direct reference (pip records its URL)';
  if (dist.wheelFile === undefined) return 'is not a wheel on this machine';
  return undefined;
}

/**
 * Where pip's result depends on the order it installs in: two wheels writing one path, or a
 * script or data item named as a library's top-level item (pip's move step then skips it).
 */
function firstClash(laid: readonly Laid[]): string | undefined {
  const owner = new Map<string, string>();
  const tops = { lib: new Map<string, string>(), home: new Map<string, string>() };
  for (const l of laid) {
    for (const f of l.files) {
      const other = owner.get(f.path);
      if (other !== undefined && other !== l.name) return `${other} and ${l.name} both install ${f.path}`;
      owner.set(f.path, l.name);
      tops[f.area].set(f.path.split('/')[0]!, l.name);
    }
  }
  for (const [top, name] of tops.home) {
    const lib = tops.lib.get(top);
    if (lib !== undefined) return `${name} installs ${top} outside the library, where ${lib} has it in the library`;
  }
  return undefined;
}

async function writeSetPack(laid: readonly Laid[], request: WheelSetRequest): Promise<PackOutput> {
  const pack = await PackStream.create(request.dest);
  try {
    const added: { file: Omit<PackedTreeFile, keyof PackedEntry>; index: number }[] = [];
    for (const l of laid) {
      for (const f of l.files) {
        if (request.signal.aborted) throw request.signal.reason;
        const { data, elf } = await dataOf(l.wheel, f, request.compressor);
        const index = await pack.add(Promise.resolve(data), data.compressedSize);
        added.push({ file: { path: f.path, size: data.size, exec: f.exec, ...(elf ? { elf } : {}) }, index });
      }
    }
    const written = await pack.close();
    const files: PackedTreeFile[] = added.map(({ file, index }) => ({ ...file, ...written.entries[index]! }));
    files.sort((a, b) => compareBytes(a.path, b.path));
    return {
      type: 'pack',
      files,
      bytes: files.reduce((n, f) => n + f.size, 0),
      pack: { sha256: written.sha256, bytes: written.bytes },
    };
  } catch (error) {
    await pack.abandon();
    throw error;
  }
}

/** A file's pack data: a wheel entry's stored bytes as they are, or pip's own bytes compressed. */
async function dataOf(wheel: WheelFile, f: InstalledFile, compressor: Compressor) {
  if (f.from === 'bytes') return { data: await compressor.compressBytes(f.bytes), elf: inspectBytes(f.bytes) };
  const e = f.entry;
  const data: CompressedData = {
    crc32: e.crc32,
    size: e.size,
    compressedSize: e.compressedSize,
    method: e.method,
    data: await wheel.raw(e.name),
  };
  // Only what may be a library or a program is inflated, to read its ELF header (as zips judge them).
  const elf = mayBeElf(f.path, f.exec) ? inspectBytes(await wheel.inflated(e.name)) : undefined;
  return { data, elf };
}
