// Owns the work of one compression thread: read a file, check it is what the plan hashed, CRC-32
// and deflate it synchronously (no per-16 KB thread-pool round trips). Leaves scheduling to
// compressor-pool.ts.
import { parentPort } from 'node:worker_threads';
import { readRegularFileSync } from '../fs/read-regular.js';
import { loadHasher } from '../hash/xxhash.js';
import { compressSync, verifyContent, type ExpectedContent } from './compress.js';
import { zipProblemOf } from './zip-problem.js';

/** A file to read and check, or bytes already read (a file streamed from a container). */
export type CompressJob =
  { id: number; absPath: string; expected: ExpectedContent } | { id: number; bytes: Uint8Array };

// This thread's own hasher (WebAssembly instances are not shared between threads).
const hasher = await loadHasher();

parentPort?.on('message', (job: CompressJob) => {
  try {
    if ('bytes' in job) {
      const raw = Buffer.from(job.bytes.buffer, job.bytes.byteOffset, job.bytes.byteLength);
      parentPort!.postMessage({ id: job.id, result: compressSync(raw) });
      return;
    }
    const raw = readRegularFileSync(job.absPath);
    verifyContent(raw, job.absPath, job.expected, hasher.bytes);
    parentPort!.postMessage({ id: job.id, result: compressSync(raw) });
  } catch (error) {
    parentPort!.postMessage({ id: job.id, error: (error as Error).message, problem: zipProblemOf(error) });
  }
});
