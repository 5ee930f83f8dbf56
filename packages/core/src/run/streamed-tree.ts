// Owns turning an installed tree that arrives file by file (a tar read from a build container)
// into an install's pack and its record, as packing the same tree from a folder would: the same
// files, modes, ELF summaries and the same records sorted by path. Leaves reading the tar to the
// executor and the pack format to zip/pack.ts.
import { rmSync } from 'node:fs';
import type { PackedTreeFile, PackOutput, TreeFile } from '../cache/node-output.js';
import type { InstalledFiles } from '../executors/executor.js';
import { inspectBytes } from '../native/elf-summary.js';
import type { Compressor } from '../zip/compressor-pool.js';
import { isPlainRelativePath } from '../fs/plain-path.js';
import { PackStream } from '../zip/pack.js';
import { compareBytes } from '../zip/zip-writer.js';

interface Received extends TreeFile {
  /** Its entry among the pack's, in the order files arrived. */
  index: number;
}

/** A path an executor sent that no folder walk could give: refused rather than packed. */
export class UnsafeTreePath extends Error {}

function checkPath(relPath: string): void {
  if (!isPlainRelativePath(relPath))
    throw new UnsafeTreePath(`the installed tree holds a path juni will not pack: ${JSON.stringify(relPath)}`);
}

export class StreamedTree implements InstalledFiles {
  readonly #dest: string;
  /** The compressor for a file, given how many bytes have arrived (worker threads once it is worth it). */
  readonly #compressorFor: (bytesSoFar: number) => Compressor;
  #pack: Promise<PackStream> | undefined;
  readonly #files = new Map<string, Received>();
  readonly #links: { path: string; target: string }[] = [];
  #bytes = 0;

  constructor(dest: string, compressorFor: (bytesSoFar: number) => Compressor) {
    this.#dest = dest;
    this.#compressorFor = compressorFor;
  }

  async file(relPath: string, bytes: Buffer, exec: boolean): Promise<void> {
    checkPath(relPath);
    if (this.#files.has(relPath)) throw new UnsafeTreePath(`the installed tree holds ${relPath} twice`);
    this.#bytes += bytes.length;
    // Read here, while the bytes are in memory: zips judge their native libraries from this record.
    const elf = inspectBytes(bytes);
    const record: Received = { path: relPath, size: bytes.length, exec, index: -1, ...(elf ? { elf } : {}) };
    this.#files.set(relPath, record);
    this.#pack ??= PackStream.create(this.#dest);
    const pack = await this.#pack;
    record.index = await pack.add(this.#compressorFor(this.#bytes).compressBytes(bytes), bytes.length);
  }

  link(relPath: string, target: string): void {
    checkPath(relPath);
    this.#links.push({ path: relPath, target });
  }

  /**
   * Writes the rest of the pack and returns the install's record (files sorted by path). On a
   * failure the pack file is gone, as after `abandon`.
   */
  async finish(): Promise<PackOutput> {
    this.#pack ??= PackStream.create(this.#dest);
    let written;
    try {
      written = await (await this.#pack).close();
    } catch (error) {
      await this.abandon();
      throw error;
    }
    const files: PackedTreeFile[] = [...this.#files.values()].map(({ index, ...file }) => ({
      ...file,
      ...written.entries[index]!,
    }));
    files.push(...resolveLinks(files, this.#links));
    files.sort((a, b) => compareBytes(a.path, b.path));
    return {
      type: 'pack',
      files,
      bytes: files.reduce((n, f) => n + f.size, 0),
      pack: { sha256: written.sha256, bytes: written.bytes },
    };
  }

  /** When the tree did not come this way, or after a failure: the pack file, if begun, is closed and deleted. */
  async abandon(): Promise<void> {
    const pack = await this.#pack?.catch(() => undefined);
    await pack?.abandon();
    rmSync(this.#dest, { force: true });
  }
}

/**
 * The files links add: a link to a file is that file again under its own path, a link to a
 * folder everything under it (the pack's bytes are shared, not written twice). Rounds repeat
 * until nothing new appears, so links to links, and folder links whose folders hold links,
 * resolve whatever order they came in; a link whose target is not in the tree (dangling, or
 * outside it) adds nothing, nor does one to a folder that holds it (a loop), as a folder walk
 * skips both. The rounds are bounded by the number of links: each can lengthen a chain once.
 */
function resolveLinks(files: readonly PackedTreeFile[], links: readonly { path: string; target: string }[]) {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const added: PackedTreeFile[] = [];
  const live = links.filter((l) => l.target !== '' && !l.path.startsWith(`${l.target}/`));
  for (let round = 0; round <= live.length; round++) {
    let grew = false;
    for (const link of live) {
      for (const copy of copiesFor(byPath, link)) {
        if (byPath.has(copy.path)) continue;
        byPath.set(copy.path, copy);
        added.push(copy);
        grew = true;
      }
    }
    if (!grew) break;
  }
  return added;
}

function copiesFor(byPath: ReadonlyMap<string, PackedTreeFile>, link: { path: string; target: string }) {
  const file = byPath.get(link.target);
  if (file) return [{ ...file, path: link.path }];
  const prefix = `${link.target}/`;
  return [...byPath.values()]
    .filter((f) => f.path.startsWith(prefix))
    .map((f) => ({ ...f, path: `${link.path}/${f.path.slice(prefix.length)}` }));
}
