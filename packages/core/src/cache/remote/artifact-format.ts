// Owns the bytes of one remote artifact: a gzip'd tar of `meta.json` (the stored result) and the
// node's file, signed with HMAC-SHA256 when a key is set, read as a stream with bounded memory.
// Leaves transport to client.ts.
import { createHash, createHmac, timingSafeEqual, type Hmac } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlibModule from 'node:zlib';
import { createGunzip, gzipSync } from 'node:zlib';
import { nodeOutputOf } from '../result-shape.js';
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

export interface DecodeLimits {
  /** The most bytes the decompressed tar may hold (meta.json, the file and tar's own blocks). */
  maxUnpackedBytes: number;
}

export interface DecodedArtifact {
  result: StoredResult;
  /** sha256 and size of the file written to `dest`. */
  sha256: string;
  bytes: number;
}

const MAX_META_BYTES = 64 * 1024 * 1024;

/**
 * Reads an artifact as it streams in (gzip, or zstd where this Node has it): meta.json first, then
 * the node's file straight to `dest`, hashed on the way. Memory stays flat whatever the server
 * sends; a decompression bomb stops at `maxUnpackedBytes`, a file longer than its recorded size at
 * that size. Throws on anything malformed.
 */
export async function decodeArtifact(
  body: AsyncIterable<Buffer>,
  dest: string,
  limits: DecodeLimits,
): Promise<DecodedArtifact> {
  const tar = await tarStream();
  const it = body[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw new Error('the artifact is empty');
  const head = first.value;
  const source = Readable.from(
    (async function* () {
      yield head;
      for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
    })(),
  );
  let unpacked = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      unpacked += chunk.length;
      if (unpacked > limits.maxUnpackedBytes)
        done(new Error(`it unpacks to more than ${limits.maxUnpackedBytes} bytes`));
      else done(null, chunk);
    },
  });
  const extract = tar.extract();
  const flowing = pipeline(source, decompressor(head), cap, extract);
  flowing.catch(() => undefined); // reported through the entries loop below, or awaited after it
  let result: StoredResult | undefined;
  let file: { sha256: string; bytes: number } | undefined;
  for await (const entry of extract) {
    if (entry.header.name === 'meta.json' && result === undefined) {
      result = parseMeta(await readAtMost(entry, MAX_META_BYTES));
    } else if (entry.header.name === 'artifact' && result !== undefined && file === undefined) {
      file = await writeAtMost(entry, dest, recordedBytes(result));
    } else {
      throw new Error(`unexpected entry ${entry.header.name} (meta.json must come first, then the file)`);
    }
  }
  await flowing;
  if (!result || !file) throw new Error('the artifact lacks meta.json or its file');
  return { result, ...file };
}

function decompressor(head: Buffer): Transform {
  if (head[0] === 0x1f && head[1] === 0x8b) return createGunzip();
  // zstd's magic number; Node has zstd from 22.15 on.
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) {
    const zstd = (zlibModule as { createZstdDecompress?: () => Transform }).createZstdDecompress;
    if (!zstd) throw new Error('the artifact is zstd-compressed, which this Node version cannot read');
    return zstd();
  }
  throw new Error('the artifact is neither gzip nor zstd');
}

function parseMeta(bytes: Buffer): StoredResult {
  const parsed = JSON.parse(bytes.toString('utf8')) as { format?: number; result?: Partial<StoredResult> };
  const result = parsed?.format === 1 ? parsed.result : undefined;
  // A server's result is checked as a stored row is: its paths and names must stay inside the cache.
  const output = nodeOutputOf(result?.output);
  if (
    !result ||
    !output ||
    typeof result.key !== 'string' ||
    typeof result.kind !== 'string' ||
    typeof result.name !== 'string'
  )
    throw new Error('the artifact has an unknown format');
  return { ...result, output } as StoredResult;
}

/** The size the result records for its file: the file may not be longer. */
function recordedBytes(result: StoredResult): number {
  const output = result.output;
  if (output.type === 'zip') return output.bytes;
  if (output.type === 'pack') return output.pack.bytes;
  throw new Error(`a ${output.type} result has no file to download`);
}

async function readAtMost(entry: AsyncIterable<unknown>, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const item of entry) {
    const chunk = item as Buffer;
    n += chunk.length;
    if (n > max) throw new Error(`meta.json is over ${max} bytes`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

async function writeAtMost(
  entry: AsyncIterable<unknown>,
  dest: string,
  max: number,
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const out = createWriteStream(dest, { mode: 0o644 });
  await pipeline(
    entry,
    async function* (chunks: AsyncIterable<unknown>) {
      for await (const item of chunks) {
        const chunk = item as Buffer;
        bytes += chunk.length;
        if (bytes > max) throw new Error(`its file is longer than the ${max} bytes it records`);
        hash.update(chunk);
        yield chunk;
      }
    },
    out,
  );
  return { sha256: hash.digest('hex'), bytes };
}

/** Turborepo-style tag: base64 HMAC-SHA256 over the hash, the team and the body. */
export function signArtifact(key: string, hash: string, team: string, body: Buffer): string {
  return createHmac('sha256', key).update(hash).update(team).update(body).digest('base64');
}

/** The signature of a body that arrives in chunks: feed it every chunk, then `tagMatches`. */
export function artifactSignature(key: string, hash: string, team: string): Hmac {
  return createHmac('sha256', key).update(hash).update(team);
}

export function tagMatches(signature: Hmac, tag: string | undefined): boolean {
  if (!tag) return false;
  const expected = Buffer.from(signature.digest('base64'));
  const actual = Buffer.from(tag);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
