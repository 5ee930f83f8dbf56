// Owns the HTTP side of the Turborepo remote cache API (GET/HEAD/PUT /v8/artifacts/:hash) and its
// bounds: a deadline for the answer's headers, an idle timeout and a size cap while a body streams,
// a time budget for the whole build, one retry for 5xx, and a circuit breaker. A slow, hanging or
// hostile server costs seconds, never a build. Leaves what the bytes mean to artifact-format.ts.
import { Readable } from 'node:stream';
import { redactCredentials } from '../../redact.js';
import type { RemoteConfig } from './config.js';

export type GetResult =
  { state: 'hit'; body: Readable; tag: string | undefined } | { state: 'miss' } | { state: 'error'; message: string };

/** The bounds of one build's use of a server (documented in docs/remote-cache.md). */
export interface RemoteLimits {
  /** From sending a request to its response headers (an upload adds `uploadMsPerMiB` per MiB). */
  headersMs: number;
  uploadMsPerMiB: number;
  /** The longest pause while a download streams. */
  idleMs: number;
  /** Time spent waiting on the server, summed over all requests of one build. */
  budgetMs: number;
  /** The largest download accepted (compressed). Lambda caps a package at 250 MB unzipped. */
  maxDownloadBytes: number;
}

export const DEFAULT_LIMITS: RemoteLimits = {
  headersMs: 5_000,
  uploadMsPerMiB: 1_000,
  idleMs: 5_000,
  budgetMs: 60_000,
  maxDownloadBytes: 300 * 1024 * 1024,
};

type Kind = 'get' | 'head' | 'put';

export class RemoteCacheClient {
  readonly #config: RemoteConfig;
  readonly #limits: RemoteLimits;
  #failures = 0;
  #spentMs = 0;
  /** Set once the server timed out, failed twice in a row or used up the budget: later calls are skipped. */
  disabledBecause: string | undefined;

  constructor(config: RemoteConfig, limits: RemoteLimits = DEFAULT_LIMITS) {
    this.#config = config;
    this.#limits = limits;
  }

  /** The server's address with any credentials in it replaced by ***, for messages. */
  get shownUrl(): string {
    return this.#config.shownUrl;
  }

  #url(hash: string): string {
    const { param, value } = this.#config.team;
    return `${this.#config.url}/v8/artifacts/${encodeURIComponent(hash)}?${param}=${encodeURIComponent(value)}`;
  }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    const { token, basicAuth } = this.#config;
    const auth = token
      ? `Bearer ${token}`
      : basicAuth
        ? `Basic ${Buffer.from(basicAuth).toString('base64')}`
        : undefined;
    return { ...(auth ? { Authorization: auth } : {}), ...extra };
  }

  /** A hit's body streams: it fails (as a stream error) on a stall, past the size cap or the budget. */
  async get(hash: string): Promise<GetResult> {
    const sent = await this.#request('get', hash, { method: 'GET', headers: this.#headers() });
    if ('error' in sent) return { state: 'error', message: sent.error };
    const { response, controller } = sent;
    if (response.status === 404) return { state: 'miss' };
    if (!response.ok) return { state: 'error', message: `GET ${hash}: HTTP ${response.status}` };
    const length = Number(response.headers.get('content-length') ?? NaN);
    if (length > this.#limits.maxDownloadBytes) {
      controller.abort();
      return {
        state: 'error',
        message: `GET ${hash}: the artifact is ${length} bytes, over the ${this.#limits.maxDownloadBytes}-byte cap`,
      };
    }
    return {
      state: 'hit',
      body: Readable.from(this.#guarded(hash, response, controller)),
      tag: response.headers.get('x-artifact-tag') ?? undefined,
    };
  }

  /** True when the server has the artifact; false on a miss or any problem. */
  async head(hash: string): Promise<boolean> {
    const sent = await this.#request('head', hash, { method: 'HEAD', headers: this.#headers() });
    return !('error' in sent) && sent.response.ok;
  }

  async put(
    hash: string,
    body: Buffer,
    options: { durationMs: number; tag: string | undefined },
  ): Promise<string | undefined> {
    const headers = this.#headers({
      'Content-Type': 'application/octet-stream',
      'x-artifact-duration': String(Math.round(options.durationMs)),
      ...(options.tag ? { 'x-artifact-tag': options.tag } : {}),
    });
    const sent = await this.#request('put', hash, { method: 'PUT', headers, body }, body.length);
    if ('error' in sent) return sent.error;
    sent.controller.abort(); // the answer's body is not needed
    const { status, ok } = sent.response;
    return ok
      ? undefined
      : `PUT ${hash}: HTTP ${status}${status === 401 || status === 403 ? ' (check JUNI_REMOTE_CACHE_TOKEN)' : ''}`;
  }

  /** One retry for 5xx and refused connections; a timeout disables the server at once. */
  async #request(
    kind: Kind,
    hash: string,
    init: RequestInit,
    uploadBytes = 0,
  ): Promise<{ response: Response; controller: AbortController } | { error: string }> {
    let last = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      if (this.disabledBecause) return { error: this.disabledBecause };
      const controller = new AbortController();
      const deadline = this.#limits.headersMs + Math.ceil((uploadBytes / 1_048_576) * this.#limits.uploadMsPerMiB);
      const started = performance.now();
      const timer = setTimeout(
        () => controller.abort(new TimeoutError(deadline)),
        Math.min(deadline, this.#remainingMs()),
      );
      try {
        const response = await fetch(this.#url(hash), { ...init, signal: controller.signal });
        if (response.status < 500) {
          this.#failures = 0;
          return { response, controller };
        }
        controller.abort();
        last = `HTTP ${response.status}`;
      } catch (error) {
        if (controller.signal.reason instanceof TimeoutError) {
          this.#disable(
            this.#spentMs + deadline >= this.#limits.budgetMs ? 'budget' : `no answer within ${deadline / 1000} s`,
          );
          return { error: this.disabledBecause! };
        }
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        last = cause ?? (error as Error).message;
      } finally {
        clearTimeout(timer);
        this.#spend(performance.now() - started);
      }
    }
    if (++this.#failures >= 2) this.#disable(last);
    return { error: `${kind.toUpperCase()} ${hash}: ${redactCredentials(last)}` };
  }

  /** The body, chunk by chunk, ended by a stall, the size cap or the budget. */
  async *#guarded(hash: string, response: Response, controller: AbortController): AsyncGenerator<Buffer> {
    if (!response.body) return;
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = 0;
    try {
      for (;;) {
        const started = performance.now();
        const wait = Math.min(this.#limits.idleMs, this.#remainingMs());
        let timer: NodeJS.Timeout | undefined;
        const stalled = new Promise<'stalled'>((resolve) => (timer = setTimeout(() => resolve('stalled'), wait)));
        const next = await Promise.race([reader.read(), stalled]).finally(() => clearTimeout(timer));
        this.#spend(performance.now() - started);
        if (next === 'stalled') {
          this.#disable(this.#remainingMs() <= 0 ? 'budget' : `the download of ${hash} stalled for ${wait / 1000} s`);
          throw new Error(this.disabledBecause);
        }
        if (next.done) return;
        received += next.value.byteLength;
        if (received > this.#limits.maxDownloadBytes)
          throw new Error(`the artifact is over the ${this.#limits.maxDownloadBytes}-byte cap`);
        yield Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      }
    } finally {
      controller.abort();
      reader.releaseLock();
    }
  }

  #remainingMs(): number {
    return Math.max(0, this.#limits.budgetMs - this.#spentMs);
  }

  #spend(ms: number): void {
    this.#spentMs += ms;
    if (this.#remainingMs() <= 0) this.#disable('budget');
  }

  #disable(why: string): void {
    if (this.disabledBecause) return;
    this.disabledBecause =
      why === 'budget'
        ? `the remote cache at ${this.shownUrl} used up this build's ${this.#limits.budgetMs / 1000} s budget`
        : `the remote cache at ${this.shownUrl} is not answering (${redactCredentials(why)})`;
  }
}

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}
