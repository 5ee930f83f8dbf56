// Owns the connection to the Docker engine (DOCKER_HOST: unix, tcp or ssh, as the docker CLI
// reads it) and the one-time reachability check. Leaves images and containers to their modules.
import Docker from 'dockerode';
import type { NodeFailure } from '@juni/core';

export type EngineResult = { ok: true; docker: Docker } | { ok: false; failure: NodeFailure };

/**
 * Connects lazily: the first caller pings, everyone shares the answer while it is "up". A failed
 * ping is asked again by the next caller, so a watch session notices an engine that came back.
 */
export class Engine {
  #docker: Docker | undefined;
  #ready: Promise<EngineResult> | undefined;

  ready(): Promise<EngineResult> {
    this.#ready ??= this.#ping();
    return this.#ready;
  }

  /** Called when a request could not reach the engine: the next caller pings again. */
  lost(): void {
    this.#ready = undefined;
  }

  async #ping(): Promise<EngineResult> {
    try {
      // docker-modem reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH from the environment,
      // and throws on a certificate folder it cannot read: that too is an engine juni cannot reach.
      this.#docker ??= new Docker();
      await this.#docker.ping();
      return { ok: true, docker: this.#docker };
    } catch (error) {
      this.#ready = undefined;
      return { ok: false, failure: unreachable(error) };
    }
  }
}

/** The failure of a request that never reached the engine. */
export function unreachable(error: unknown): NodeFailure {
  const where = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  return {
    reason: 'docker-unreachable',
    message: `the Docker engine at ${where} is not reachable (${messageOf(error)})`,
    hint:
      'start it (e.g. `sudo systemctl start docker`, or `dockerd &`), ' +
      'or point DOCKER_HOST (and DOCKER_CERT_PATH for TLS) at a running engine',
  };
}

/** The engine's HTTP status of a failed call, if any (dockerode sets `statusCode`). */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown }).statusCode;
  return typeof code === 'number' ? code : undefined;
}

export function messageOf(error: unknown): string {
  const json = (error as { json?: { message?: unknown } }).json;
  if (json && typeof json.message === 'string') return json.message;
  return error instanceof Error ? error.message : String(error);
}
