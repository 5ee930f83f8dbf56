// Owns the results table: node key -> what the node produced and the inputs that made the key.
// Leaves storing the produced bytes to artifacts.ts.
import type { CacheDatabase } from './database.js';

/** What a layer or function produced: one zip, stored content-addressed. */
export interface ZipOutput {
  type: 'zip';
  sha256: string;
  bytes: number;
  /** Sum of the entries' sizes: what counts against Lambda's 250 MB unzipped limit. */
  unzippedBytes: number;
  /** The largest top-level packages or folders, biggest first (for "what to trim"). */
  contributors: { name: string; bytes: number }[];
}

/** One file of an installed tree (path relative to the tree, '/'-separated). */
export interface TreeFile {
  path: string;
  size: number;
  exec: boolean;
}

/** A file of a packed tree: where its compressed data sits in the pack. */
export interface PackedTreeFile extends TreeFile {
  offset: number;
  compressedSize: number;
  crc32: number;
  method: number;
}

/** Files kept as a folder (an image's lambda_lib/lambda_bin). */
export interface TreeOutput {
  type: 'tree';
  files: TreeFile[];
  bytes: number;
}

/** What a deps node produced: the installed packages, compressed once into a pack. */
export interface PackOutput {
  type: 'pack';
  files: PackedTreeFile[];
  /** Unpacked size of all files. */
  bytes: number;
  pack: { sha256: string; bytes: number };
}

/** What an image node produced: the image ID, and its lambda_lib/lambda_bin files (under lib/ and bin/). */
export interface ImageOutput {
  type: 'image';
  imageId: string;
  lambdaFiles: TreeOutput;
}

export type NodeOutput = ZipOutput | TreeOutput | PackOutput | ImageOutput;

export interface StoredResult {
  key: string;
  kind: string;
  name: string;
  output: NodeOutput;
  /** The key's input breakdown (see build/node-key.ts), for "why did this rebuild". */
  inputs: unknown;
  durationMs: number;
}

interface Row {
  key: string;
  kind: string;
  name: string;
  outputs: string;
  inputs: string;
  duration_ms: number;
}

export class ResultStore {
  readonly #get;
  readonly #put;
  readonly #delete;
  readonly #touch;

  constructor(db: CacheDatabase) {
    this.#get = db.prepare<[string], Row>('SELECT key, kind, name, outputs, inputs, duration_ms FROM results WHERE key = ?');
    this.#put = db.prepare(
      `INSERT OR REPLACE INTO results (key, kind, name, outputs, inputs, duration_ms, created_at, last_used_at, artifact, size_bytes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#delete = db.prepare('DELETE FROM results WHERE key = ?');
    this.#touch = db.prepare('UPDATE results SET last_used_at = ? WHERE key = ?');
  }

  get(key: string): StoredResult | undefined {
    const row = this.#get.get(key);
    if (!row) return undefined;
    return {
      key: row.key, kind: row.kind, name: row.name, durationMs: row.duration_ms,
      output: JSON.parse(row.outputs) as NodeOutput, inputs: JSON.parse(row.inputs) as unknown,
    };
  }

  put(result: StoredResult): void {
    const now = Date.now();
    const artifact = artifactOf(result.key, result.output);
    this.#put.run(result.key, result.kind, result.name, JSON.stringify(result.output), JSON.stringify(result.inputs), Math.round(result.durationMs), now, now, artifact.path, artifact.bytes);
  }

  delete(key: string): void {
    this.#delete.run(key);
  }

  /** Marks a result as used now (for least-recently-used pruning). */
  touch(key: string): void {
    this.#touch.run(Date.now(), key);
  }
}

/** The artifact a result owns, relative to the artifacts folder, and its size on disk. */
export function artifactOf(key: string, output: NodeOutput): { path: string; bytes: number } {
  switch (output.type) {
    case 'zip':
      return { path: `zips/${output.sha256}.zip`, bytes: output.bytes };
    case 'pack':
      return { path: `deps/${key}.pack`, bytes: output.pack.bytes };
    case 'tree':
      return { path: `deps/${key}`, bytes: output.bytes };
    case 'image':
      return { path: `deps/${key}`, bytes: output.lambdaFiles.bytes };
  }
}
