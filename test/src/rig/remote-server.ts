// A real turborepo-remote-cache server for tests: 127.0.0.1, a free port, filesystem storage,
// a static token. Started and stopped by the test that uses it. Juni talks to it through a
// counting proxy in this process, so a test can tell how many requests the server got.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { REPO } from './paths.js';

export class RemoteCacheServer {
  readonly url: string;
  readonly token = 'test-token';
  readonly storage: string;
  /** Every request juni sent the server, as "METHOD /path", oldest first. */
  readonly requests: string[];
  readonly #child: ChildProcess;
  readonly #proxy: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(url: string, storage: string, child: ChildProcess, proxy: Server, requests: string[]) {
    this.url = url;
    this.storage = storage;
    this.#child = child;
    this.#proxy = proxy;
    this.requests = requests;
    proxy.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
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
    const counted: string[] = [];
    const proxy = createHttpServer((req, res) => {
      counted.push(`${req.method} ${req.url}`);
      const upstream = request(
        { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve, reject) => {
      proxy.once('error', reject);
      proxy.listen(0, '127.0.0.1', resolve);
    });
    const address = proxy.address();
    if (typeof address !== 'object' || !address) throw new Error('the proxy has no port');
    const server = new RemoteCacheServer(`http://127.0.0.1:${address.port}`, storage, child, proxy, counted);
    t.after(() => {
      server.stop();
      rmSync(storage, { recursive: true, force: true });
    });
    for (let i = 0; i < 100; i++) {
      try {
        // Past the proxy, so this is not counted.
        const res = await fetch(`http://127.0.0.1:${port}/v8/artifacts/status`, {
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

  /** Kills the server and closes the proxy: from now on a connection is refused. */
  stop(): void {
    this.#child.kill('SIGKILL');
    if (this.#proxy.listening) this.#proxy.close();
    for (const socket of this.#sockets) socket.destroy();
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
