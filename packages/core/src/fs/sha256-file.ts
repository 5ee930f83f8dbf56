// Owns streaming a file through sha256 (the digest users see for each zip).
// Leaves deciding when to do it to the output folder.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function sha256File(absPath: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(absPath)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
