// Owns a few worker threads that compress files in parallel (one per core, at most two by
// default): the zip writer's engine for large trees. Created per build and closed after it.
// Leaves the zip format to zip-writer.ts.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { compressBuffer, compressFile, type BytesHash, type CompressedData, type ExpectedContent } from './compress.js';
import type { CompressJob } from './compress-worker.js';

import { ZipProblemError, type ZipProblem } from './zip-problem.js';

type Reply = { id: number; result: CompressedData } | { id: number; error: string; problem: ZipProblem | undefined };

/** Compresses one file; rejects with a ZipProblemError when it is not the `expected` content. */
export interface Compressor {
  compressFile(absPath: string, expected: ExpectedContent): Promise<CompressedData>;
  /** Compresses bytes already in memory (a file streamed from a container). */
  compressBytes(raw: Buffer): Promise<CompressedData>;
}

/** Compression on libuv's thread pool (fine for small zips), checking contents with `hash`. */
export function inThreadCompressor(hash: BytesHash | undefined): Compressor {
  return { compressFile: (absPath, expected) => compressFile(absPath, expected, hash), compressBytes: compressBuffer };
}

export class CompressorPool implements Compressor {
  readonly #workers: Worker[];
  readonly #pending = new Map<number, { resolve: (d: CompressedData) => void; reject: (e: Error) => void }>();
  #next = 0;

  constructor(size = Math.min(2, os.availableParallelism())) {
    this.#workers = Array.from({ length: Math.max(1, size) }, () => {
      const worker = new Worker(new URL('./compress-worker.js', import.meta.url));
      worker.on('message', (reply: Reply) => this.#settle(reply));
      // Idle workers must not keep the process alive.
      worker.unref();
      return worker;
    });
  }

  #settle(reply: Reply): void {
    const waiter = this.#pending.get(reply.id);
    if (!waiter) return;
    this.#pending.delete(reply.id);
    if ('result' in reply) {
      const r = reply.result;
      // Structured clone hands back a Uint8Array; the writer wants Buffers.
      waiter.resolve({ ...r, data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength) });
    } else {
      waiter.reject(reply.problem ? new ZipProblemError(reply.problem) : new Error(reply.error));
    }
  }

  compressFile(absPath: string, expected: ExpectedContent): Promise<CompressedData> {
    return this.#send({ id: this.#next++, absPath, expected });
  }

  compressBytes(raw: Buffer): Promise<CompressedData> {
    // Copied to the worker (structured clone): the buffer may share its memory with others.
    return this.#send({ id: this.#next++, bytes: raw });
  }

  #send(job: CompressJob): Promise<CompressedData> {
    const { id } = job;
    const worker = this.#workers[id % this.#workers.length]!;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage(job);
    }).finally(() => {
      if (this.#pending.size === 0) for (const w of this.#workers) w.unref();
    }) as Promise<CompressedData>;
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

/** Below this many bytes to compress, starting worker threads costs more than it saves. */
const POOL_THRESHOLD = 1024 * 1024;

/**
 * The build's compressor: files go to worker threads, started on first use by a zip or pack
 * large enough to profit; small ones compress on libuv's pool. One per build.
 */
export class BuildCompressor {
  #pool: CompressorPool | undefined;
  readonly #inThread: Compressor;

  constructor(inThread: Compressor) {
    this.#inThread = inThread;
  }

  /** The compressor for a job of `bytes` bytes. */
  for(bytes: number): Compressor {
    if (bytes < POOL_THRESHOLD) return this.#inThread;
    this.#pool ??= new CompressorPool();
    return this.#pool;
  }

  async close(): Promise<void> {
    await this.#pool?.close();
  }
}
