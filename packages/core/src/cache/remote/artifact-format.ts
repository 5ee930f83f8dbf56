// Owns the bytes of one remote artifact: a gzip'd tar of `meta.json` (the stored result) and the
// node's file, signed with HMAC-SHA256 when a key is set. Leaves transport to client.ts.
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as zlibModule from 'node:zlib';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { StoredResult } from '../results.js';

export interface ArtifactContents {
  result: StoredResult;
  /** The node's artifact file (a zip or a dependency pack). */
  file: Buffer;
}

/** tar-stream is only needed with a remote cache: loading it lazily keeps other builds' start-up short. */
async function tarStream(): Promise<typeof import('tar-stream')> {
  return (await import('tar-stream')).default;
}

export async function encodeArtifact(contents: ArtifactContents): Promise<Buffer> {
  const tar = await tarStream();
  const pack = tar.pack();
  const fixed = { mtime: new Date(0), uid: 0, gid: 0, mode: 0o644 };
  pack.entry({ name: 'meta.json', ...fixed }, JSON.stringify({ format: 1, result: contents.result }));
  pack.entry({ name: 'artifact', ...fixed }, contents.file);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks), { level: 1 });
}

/** Reads an artifact (gzip, or zstd where this Node has it); throws on anything malformed. */
export async function decodeArtifact(body: Buffer): Promise<ArtifactContents> {
  const tar = await tarStream();
  const extract = tar.extract();
  extract.end(decompress(body));
  const files = new Map<string, Buffer>();
  for await (const entry of extract) {
    const parts: Buffer[] = [];
    for await (const chunk of entry) parts.push(chunk as Buffer);
    files.set(entry.header.name, Buffer.concat(parts));
  }
  const meta = files.get('meta.json');
  const file = files.get('artifact');
  if (!meta || !file) throw new Error('the artifact lacks meta.json or its file');
  const parsed = JSON.parse(meta.toString('utf8')) as { format?: number; result?: StoredResult };
  if (parsed.format !== 1 || !parsed.result) throw new Error('the artifact has an unknown format');
  return { result: parsed.result, file };
}

function decompress(body: Buffer): Buffer {
  if (body[0] === 0x1f && body[1] === 0x8b) return gunzipSync(body);
  // zstd's magic number; Node has zstd from 22.15 on.
  if (body.readUInt32LE(0) === 0xfd2fb528) {
    const zstd = (zlibModule as { zstdDecompressSync?: (b: Buffer) => Buffer }).zstdDecompressSync;
    if (!zstd) throw new Error('the artifact is zstd-compressed, which this Node version cannot read');
    return zstd(body);
  }
  throw new Error('the artifact is neither gzip nor zstd');
}


/** Turborepo-style tag: base64 HMAC-SHA256 over the hash, the team and the body. */
export function signArtifact(key: string, hash: string, team: string, body: Buffer): string {
  return createHmac('sha256', key).update(hash).update(team).update(body).digest('base64');
}

export function verifyArtifact(key: string, hash: string, team: string, body: Buffer, tag: string | undefined): boolean {
  if (!tag) return false;
  const expected = Buffer.from(signArtifact(key, hash, team, body));
  const actual = Buffer.from(tag);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
