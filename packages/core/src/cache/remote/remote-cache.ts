// Owns using a remote cache during one build: fetching a node's result (verified: signature,
// content hash) into the local cache, and uploading fresh results in the background, bounded and
// flushed before the build returns. Every server problem becomes a warning, never a failure.
// Leaves HTTP to client.ts and the artifact bytes to artifact-format.ts.
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { redactCredentials } from '../../redact.js';
import type { ArtifactStore } from '../artifacts.js';
import type { ResultStore, StoredResult } from '../results.js';
import { artifactSignature, decodeArtifact, encodeArtifact, signArtifact, tagMatches } from './artifact-format.js';
import { DEFAULT_LIMITS, RemoteCacheClient } from './client.js';
import type { RemoteConfig } from './config.js';

const UPLOADS_AT_ONCE = 2;
const FLUSH_TIMEOUT_MS = 120_000;
/** A real artifact unpacks to its file (capped like a download) plus meta.json. */
const MAX_UNPACKED_BYTES = DEFAULT_LIMITS.maxDownloadBytes + 64 * 1024 * 1024;

export interface RemoteCacheOptions {
  config: RemoteConfig;
  results: ResultStore;
  artifacts: ArtifactStore;
  warn: (message: string) => void;
}

export class RemoteCache {
  readonly #config: RemoteConfig;
  readonly #client: RemoteCacheClient;
  readonly #results: ResultStore;
  readonly #artifacts: ArtifactStore;
  readonly #warn: (message: string) => void;
  readonly #warned = new Set<string>();
  readonly #queue: (() => Promise<void>)[] = [];
  readonly #running = new Set<Promise<void>>();

  constructor(options: RemoteCacheOptions) {
    this.#config = options.config;
    this.#client = new RemoteCacheClient(options.config);
    this.#results = options.results;
    this.#artifacts = options.artifacts;
    this.#warn = options.warn;
  }

  #warnOnce(kind: string, message: string): void {
    if (this.#warned.has(kind)) return;
    this.#warned.add(kind);
    this.#warn(message);
  }

  get #team(): string {
    return this.#config.team.value;
  }

  /** The server's result for `key`, verified and stored locally; undefined on a miss or any problem. */
  async fetch(key: string, label: string): Promise<StoredResult | undefined> {
    const got = await this.#client.get(key);
    if (got.state === 'miss') return undefined;
    if (got.state === 'error') {
      this.#warnOnce('get', `remote cache: ${this.#client.disabledBecause ?? got.message}; building locally`);
      return undefined;
    }
    const signatureKey = this.#config.signatureKey;
    if (signatureKey !== undefined && !got.tag) {
      got.body.destroy();
      this.#warn(`remote cache: the artifact of ${label} is unsigned; rejected, rebuilding it`);
      return undefined;
    }
    const signature = signatureKey === undefined ? undefined : artifactSignature(signatureKey, key, this.#team);
    const download = this.#artifacts.tempPath('download');
    const temp = this.#artifacts.tempPath('remote');
    try {
      // To disk first (the client bounds its size and pace): nothing unsigned is ever parsed.
      await pipeline(
        got.body,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            signature?.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(download),
      );
      if (signature && !tagMatches(signature, got.tag)) {
        this.#warn(`remote cache: the artifact of ${label} is wrongly signed; rejected, rebuilding it`);
        return undefined;
      }
      const { result, sha256 } = await decodeArtifact(createReadStream(download), temp, {
        maxUnpackedBytes: MAX_UNPACKED_BYTES,
      });
      if (result.key !== key) throw new Error(`it holds key ${result.key}`);
      let finalPath: string;
      if (result.output.type === 'zip' && result.output.sha256 === sha256) finalPath = this.#artifacts.zipPath(sha256);
      else if (result.output.type === 'pack' && result.output.pack.sha256 === sha256)
        finalPath = this.#artifacts.packPath(key);
      else throw new Error('its content does not match its recorded hash');
      this.#artifacts.commit(temp, finalPath);
      this.#results.put(result);
      return result;
    } catch (error) {
      got.body.destroy();
      const why = this.#client.disabledBecause ?? (error as Error).message;
      this.#warn(`remote cache: the artifact of ${label} could not be used (${redactCredentials(why)}); rebuilding it`);
      return undefined;
    } finally {
      this.#artifacts.remove(download);
      this.#artifacts.remove(temp);
    }
  }

  /** Whether the server has `key`, without downloading it (for results nobody needs locally). */
  async has(key: string): Promise<boolean> {
    return this.#client.head(key);
  }

  /** Queues an upload of the local result for `key` (readwrite mode only). */
  upload(key: string, label: string): void {
    if (this.#config.mode !== 'readwrite' || this.#client.disabledBecause) return;
    this.#queue.push(async () => {
      const result = this.#results.get(key);
      if (!result || (result.output.type !== 'zip' && result.output.type !== 'pack')) return;
      const path =
        result.output.type === 'zip' ? this.#artifacts.zipPath(result.output.sha256) : this.#artifacts.packPath(key);
      const body = await encodeArtifact({ result, file: await readFile(path) });
      const tag =
        this.#config.signatureKey === undefined
          ? undefined
          : signArtifact(this.#config.signatureKey, key, this.#team, body);
      const error = await this.#client.put(key, body, { durationMs: result.durationMs, tag });
      if (error)
        this.#warnOnce(
          'put',
          `remote cache: could not upload ${label} (${this.#client.disabledBecause ?? error}); the local build is unaffected`,
        );
    });
    this.#pump();
  }

  #pump(): void {
    while (this.#running.size < UPLOADS_AT_ONCE && this.#queue.length > 0) {
      const job = this.#queue.shift()!;
      const run: Promise<void> = job()
        .catch((error: unknown) => this.#warnOnce('put', `remote cache: upload failed (${(error as Error).message})`))
        .finally(() => {
          this.#running.delete(run);
          this.#pump();
        });
      this.#running.add(run);
    }
  }

  /** Waits for queued uploads (bounded), so nothing is lost when the process exits. */
  async flush(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), FLUSH_TIMEOUT_MS)),
    );
    const outcome = await Promise.race([this.#drain(), timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') this.#warn('remote cache: some uploads did not finish in time and were dropped');
  }

  async #drain(): Promise<'drained'> {
    while (this.#running.size > 0 || this.#queue.length > 0) await Promise.allSettled([...this.#running]);
    return 'drained';
  }
}
