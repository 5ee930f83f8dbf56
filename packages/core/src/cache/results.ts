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

/**
 * One per build. Reads are memoised (a node's result is consulted several times in a build) and
 * "last used" marks are written in one transaction by `flushTouches()`.
 */
export class ResultStore {
  readonly #db: CacheDatabase;
  readonly #get;
  readonly #put;
  readonly #delete;
  readonly #touch;
  readonly #has;
  readonly #memo = new Map<string, StoredResult | undefined>();
  #touched = new Set<string>();

  constructor(db: CacheDatabase) {
    this.#db = db;
    this.#get = db.prepare<[string], Row>(
      'SELECT key, kind, name, outputs, inputs, duration_ms FROM results WHERE key = ?',
    );
    this.#put = db.prepare(
      `INSERT OR REPLACE INTO results (key, kind, name, outputs, inputs, duration_ms, created_at, last_used_at, artifact, size_bytes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#delete = db.prepare('DELETE FROM results WHERE key = ?');
    this.#touch = db.prepare('UPDATE results SET last_used_at = ? WHERE key = ?');
    this.#has = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM results WHERE key = ?');
  }

  get(key: string): StoredResult | undefined {
    if (this.#memo.has(key)) return this.#memo.get(key);
    const row = this.#get.get(key);
    // The input breakdown is only read to explain or upload: parse it on demand.
    const result = row && {
      key: row.key,
      kind: row.kind,
      name: row.name,
      durationMs: row.duration_ms,
      output: JSON.parse(row.outputs) as NodeOutput,
      get inputs(): unknown {
        return JSON.parse(row.inputs) as unknown;
      },
    };
    this.#memo.set(key, result);
    return result;
  }

  /** Whether a result exists, without reading it (a deps node nobody needs this build). */
  has(key: string): boolean {
    if (this.#memo.has(key)) return this.#memo.get(key) !== undefined;
    return this.#has.get(key) !== undefined;
  }

  put(result: StoredResult): void {
    const now = Date.now();
    this.#memo.set(result.key, result);
    const artifact = artifactOf(result.key, result.output);
    this.#put.run(
      result.key,
      result.kind,
      result.name,
      JSON.stringify(result.output),
      JSON.stringify(result.inputs),
      Math.round(result.durationMs),
      now,
      now,
      artifact.path,
      artifact.bytes,
    );
  }

  delete(key: string): void {
    this.#memo.delete(key);
    this.#delete.run(key);
  }

  /** Marks a result as used (for least-recently-used pruning); written by flushTouches(). */
  touch(key: string): void {
    this.#touched.add(key);
  }

  flushTouches(): void {
    const keys = this.#touched;
    this.#touched = new Set();
    const now = Date.now();
    this.#db.transaction(() => {
      for (const key of keys) this.#touch.run(now, key);
    })();
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
