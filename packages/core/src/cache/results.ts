// Owns the results table: node key -> what the node produced and the inputs that made the key.
// Leaves storing the produced bytes to artifacts.ts.
import type { CacheDatabase } from './database.js';
import { parseNodeOutput } from './result-shape.js';

export type {
  CheckOutput,
  HandlerRun,
  ImageOutput,
  NodeOutput,
  PackedTreeFile,
  PackOutput,
  TreeFile,
  TreeOutput,
  ZipOutput,
} from './node-output.js';
import type { NodeOutput, ZipOutput } from './node-output.js';

export interface StoredResult {
  key: string;
  kind: string;
  name: string;
  output: NodeOutput;
  /** The key's input breakdown (see plan/node-key.ts), for "why did this rebuild". */
  inputs: unknown;
  durationMs: number;
}

/** The zip a layer or function produced, or undefined for any other result (or none). */
export function zipOutputOf(result: StoredResult | undefined): ZipOutput | undefined {
  return result?.output.type === 'zip' ? result.output : undefined;
}

interface Row {
  key: string;
  kind: string;
  name: string;
  outputs: string;
  inputs: string;
  duration_ms: number;
}

/** A stored result that could not be read back (garbage, `null`, a wrong shape): dropped, a miss. */
export interface MalformedResult {
  key: string;
  kind: string;
  name: string;
}

export interface ResultStoreOptions {
  /** Told of each stored result that could not be read back (it is then a miss). */
  onMalformed?: ((dropped: MalformedResult) => void) | undefined;
  /** false for explanations (--dry-run, `juni why`): such a row is a miss, but left for a build to drop. */
  dropMalformed?: boolean | undefined;
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
  readonly #onMalformed: ((dropped: MalformedResult) => void) | undefined;
  readonly #dropMalformed: boolean;
  #touched = new Set<string>();

  constructor(db: CacheDatabase, options: ResultStoreOptions = {}) {
    this.#db = db;
    this.#onMalformed = options.onMalformed;
    this.#dropMalformed = options.dropMalformed ?? true;
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
    const result = row && this.#read(row);
    this.#memo.set(key, result);
    return result;
  }

  /**
   * A row whose output cannot be read back is deleted and reported: a miss rebuilds the node,
   * where trusting it would fail the build now and at every later one.
   */
  #read(row: Row): StoredResult | undefined {
    const output = parseNodeOutput(row.outputs);
    if (!output) {
      if (this.#dropMalformed) this.#delete.run(row.key);
      this.#onMalformed?.({ key: row.key, kind: String(row.kind), name: String(row.name) });
      return undefined;
    }
    const inputs = row.inputs;
    return {
      key: row.key,
      kind: row.kind,
      name: row.name,
      durationMs: typeof row.duration_ms === 'number' ? row.duration_ms : 0,
      output,
      // The input breakdown is only read to explain or upload: parse it on demand. Unreadable, it
      // explains nothing rather than failing the command.
      get inputs(): unknown {
        try {
          return JSON.parse(inputs) as unknown;
        } catch {
          return undefined;
        }
      },
    };
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
    case 'check':
      // A record only: the path names nothing, so pruning it removes no file.
      return { path: `checks/${key}`, bytes: 0 };
  }
}
