// A real turborepo-remote-cache server for tests: 127.0.0.1, a free port, filesystem storage,
// a static token. Started and stopped by the test that uses it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { REPO } from './paths.js';

export class RemoteCacheServer {
  readonly url: string;
  readonly token = 'test-token';
  readonly storage: string;
  readonly #child: ChildProcess;

  private constructor(url: string, storage: string, child: ChildProcess) {
    this.url = url;
    this.storage = storage;
    this.#child = child;
  }

  /** `storeTags`: the server keeps x-artifact-tag headers (it only does when it has a signature key). */
  static async start(t: TestContext, options: { storeTags?: boolean } = {}): Promise<RemoteCacheServer> {
    const port = await freePort();
    const storage = mkdtempSync(path.join(tmpdir(), 'juni-remote-'));
    const child = spawn(process.execPath, [path.join(REPO, 'node_modules/turborepo-remote-cache/dist/cli.js')], {
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(port),
        TURBO_TOKEN: 'test-token',
        STORAGE_PROVIDER: 'local',
        STORAGE_PATH: storage,
        STORAGE_PATH_USE_TMP_FOLDER: 'false',
        LOG_LEVEL: 'error',
        ENABLE_STATUS_LOG: 'false',
        ...(options.storeTags ? { TURBO_REMOTE_CACHE_SIGNATURE_KEY: 'server-stores-tags' } : {}),
      },
      stdio: 'ignore',
    });
    const server = new RemoteCacheServer(`http://127.0.0.1:${port}`, storage, child);
    t.after(() => {
      server.stop();
      rmSync(storage, { recursive: true, force: true });
    });
    for (let i = 0; i < 100; i++) {
      try {
        const res = await fetch(`${server.url}/v8/artifacts/status`, {
          headers: { Authorization: 'Bearer test-token' },
        });
        if (res.status < 500) return server;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the remote cache server did not start');
  }

  /** The environment that points juni at this server. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      JUNI_REMOTE_CACHE_URL: this.url,
      JUNI_REMOTE_CACHE_TOKEN: this.token,
      JUNI_REMOTE_CACHE_TEAM: 'team_juni',
      ...extra,
    };
  }

  stop(): void {
    this.#child.kill('SIGKILL');
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
