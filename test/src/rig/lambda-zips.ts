// Owns the function and layer zips the Lambda-run tests hand to the engine: written with yazl, as
// juni's own zips are. Leaves running them to the tests.
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';

/** A zip at `dir/name` holding `files` (path -> text), each with the unix mode `mode`. */
export async function writeZip(
  dir: string,
  name: string,
  files: Record<string, string>,
  mode = 0o644,
): Promise<string> {
  const file = path.join(dir, name);
  const zip = new yazl.ZipFile();
  for (const [p, text] of Object.entries(files))
    zip.addBuffer(Buffer.from(text), p, { mode: mode & 0o170000 ? mode : 0o100000 | mode });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(file));
  return file;
}
