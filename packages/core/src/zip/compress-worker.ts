// Owns the work of one compression thread: read a file, check its size, CRC-32 and deflate it
// synchronously (no per-16 KB thread-pool round trips). Leaves scheduling to compressor-pool.ts.
import { parentPort } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { compressSync } from './compress.js';

export interface CompressJob {
  id: number;
  absPath: string;
  size: number;
}

parentPort?.on('message', (job: CompressJob) => {
  try {
    const raw = readFileSync(job.absPath);
    if (raw.length !== job.size) {
      parentPort!.postMessage({ id: job.id, error: `${job.absPath} changed size while it was being zipped`, code: 'EINPUTCHANGED', path: job.absPath });
      return;
    }
    parentPort!.postMessage({ id: job.id, result: compressSync(raw) });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    parentPort!.postMessage({ id: job.id, error: e.message, code: e.code, path: job.absPath });
  }
});
