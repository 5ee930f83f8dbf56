// Hostile or broken remote cache servers for tests: 127.0.0.1 on a port the OS picks, counting
// what they saw, closed (every socket destroyed) by the test that started them.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import type { TestContext } from 'node:test';

export interface HostileServer {
  url: string;
  /** TCP connections accepted so far. */
  connections: number;
  /** Bytes written to clients so far, headers included. */
  bytesSent: () => number;
  /** Requests seen so far (on the silent server: connections that sent any bytes). */
  requests: number;
  /** GET requests seen so far. */
  gets: number;
}

/** The environment that points juni at `url`. */
export function remoteEnv(url: string): NodeJS.ProcessEnv {
  return { JUNI_REMOTE_CACHE_URL: url, JUNI_REMOTE_CACHE_TOKEN: 'test-token', JUNI_REMOTE_CACHE_TEAM: 'team_juni' };
}

function newStats(): HostileServer {
  return { url: '', connections: 0, bytesSent: () => 0, requests: 0, gets: 0 };
}

async function listen(t: TestContext, server: Server, stats: HostileServer): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  let closedBytes = 0;
  stats.bytesSent = () => [...sockets].reduce((sum, socket) => sum + socket.bytesWritten, closedBytes);
  server.on('connection', (socket: Socket) => {
    stats.connections++;
    sockets.add(socket);
    socket.on('close', () => {
      closedBytes += socket.bytesWritten;
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('the server has no port');
  stats.url = `http://127.0.0.1:${address.port}`;
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return stats;
}

/** Accepts connections, keeps them open, never writes a byte. */
export function silentServer(t: TestContext): Promise<HostileServer> {
  const stats = newStats();
  return listen(
    t,
    createTcpServer((socket) => socket.once('data', () => stats.requests++)),
    stats,
  );
}

/** Answers GET with `onGet`; HEAD with 404; PUT with 200 once the body is read. */
export function artifactServer(
  t: TestContext,
  onGet: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<HostileServer> {
  const stats = newStats();
  const server = createHttpServer((req, res) => {
    stats.requests++;
    if (req.method === 'GET') {
      stats.gets++;
      onGet(req, res);
    } else if (req.method === 'PUT') {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    } else {
      res.writeHead(404).end();
    }
  });
  return listen(t, server, stats);
}

/** Sends zeros as fast as the client reads them, up to `limit` bytes, until the client hangs up. */
export function streamZeros(res: ServerResponse, limit: number): void {
  const chunk = Buffer.alloc(1024 * 1024);
  let sent = 0;
  const pump = (): void => {
    while (!res.destroyed && sent < limit) {
      sent += chunk.length;
      if (!res.write(chunk)) return;
    }
    if (sent >= limit) res.end();
  };
  res.on('drain', pump);
  pump();
}
