// Owns the HTTP side of the Turborepo remote cache API (GET/HEAD/PUT /v8/artifacts/:hash) with
// timeouts, one retry, and a circuit breaker: a slow or broken server costs seconds, never a build.
// Leaves what the bytes mean to artifact-format.ts.
import type { RemoteConfig } from './config.js';

export type GetResult =
  | { state: 'hit'; body: Buffer; tag: string | undefined }
  | { state: 'miss' }
  | { state: 'error'; message: string };

const TIMEOUT_MS = { head: 5_000, get: 60_000, put: 120_000 };

export class RemoteCacheClient {
  readonly #config: RemoteConfig;
  #failures = 0;
  /** Set once the server has failed twice in a row: later calls are skipped for this build. */
  disabledBecause: string | undefined;

  constructor(config: RemoteConfig) {
    this.#config = config;
  }

  #url(hash: string): string {
    const { param, value } = this.#config.team;
    return `${this.#config.url}/v8/artifacts/${encodeURIComponent(hash)}?${param}=${encodeURIComponent(value)}`;
  }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.#config.token ? { Authorization: `Bearer ${this.#config.token}` } : {}), ...extra };
  }

  async get(hash: string): Promise<GetResult> {
    const response = await this.#request('get', hash, { method: 'GET', headers: this.#headers() });
    if ('error' in response) return { state: 'error', message: response.error };
    if (response.status === 404) return { state: 'miss' };
    if (!response.ok) return { state: 'error', message: `GET ${hash}: HTTP ${response.status}` };
    return { state: 'hit', body: Buffer.from(await response.arrayBuffer()), tag: response.headers.get('x-artifact-tag') ?? undefined };
  }

  /** True when the server has the artifact; false on a miss or any problem. */
  async head(hash: string): Promise<boolean> {
    const response = await this.#request('head', hash, { method: 'HEAD', headers: this.#headers() });
    return !('error' in response) && response.ok;
  }

  async put(hash: string, body: Buffer, options: { durationMs: number; tag: string | undefined }): Promise<string | undefined> {
    const headers = this.#headers({
      'Content-Type': 'application/octet-stream',
      'x-artifact-duration': String(Math.round(options.durationMs)),
      ...(options.tag ? { 'x-artifact-tag': options.tag } : {}),
    });
    const response = await this.#request('put', hash, { method: 'PUT', headers, body });
    if ('error' in response) return response.error;
    await response.arrayBuffer();
    return response.ok ? undefined : `PUT ${hash}: HTTP ${response.status}${response.status === 401 || response.status === 403 ? ' (check JUNI_REMOTE_CACHE_TOKEN)' : ''}`;
  }

  /** One retry for network errors and 5xx; 4xx answers are final. */
  async #request(kind: keyof typeof TIMEOUT_MS, hash: string, init: RequestInit): Promise<Response | { error: string }> {
    if (this.disabledBecause) return { error: this.disabledBecause };
    let last = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const response = await fetch(this.#url(hash), { ...init, signal: AbortSignal.timeout(TIMEOUT_MS[kind]) });
        if (response.status < 500) {
          this.#failures = 0;
          return response;
        }
        await response.arrayBuffer();
        last = `HTTP ${response.status}`;
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        last = cause ?? (error as Error).message;
      }
    }
    if (++this.#failures >= 2) this.disabledBecause = `the remote cache at ${this.#config.url} is not answering (${last})`;
    return { error: `${kind.toUpperCase()} ${hash}: ${last}` };
  }
}
