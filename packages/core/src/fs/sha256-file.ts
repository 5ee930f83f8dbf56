// Owns streaming a file through sha256 (the digest users see for each zip), and remembering it by
// the file's stat so an unchanged zip or pack is not read again. Leaves deciding when to check to
// the output folder and the node runners.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { StatCache } from '../cache/stat-cache.js';
import type { FileStat } from './source-file.js';

export async function sha256File(absPath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(absPath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The file's sha256: from the stat cache while `stat` still matches, else read and remembered. */
export async function sha256ByStat(stats: StatCache, absPath: string, stat: FileStat): Promise<string> {
  const known = stats.get(absPath, 'sha256', stat);
  if (known !== undefined) return known;
  const actual = await sha256File(absPath);
  stats.set(absPath, 'sha256', stat, actual);
  return actual;
}
