// Owns streaming a tar into a container through the engine's archive upload (putArchive): the
// only way juni gives a container files, since the engine may be on another machine and see none
// of this one's folders. Leaves what goes into the tar to its callers (zip-tar.ts, pip-transfer.ts).
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import tar from 'tar-stream';

/**
 * Unpacks, at `at` in the container, the tar that `fill` writes (and finalizes) while it uploads.
 * Either side failing stops the other: a stalled upload would otherwise hold the writer forever.
 */
export async function putTar(
  container: Docker.Container,
  at: string,
  fill: (pack: tar.Pack) => Promise<void>,
): Promise<void> {
  const pack = tar.pack();
  const cut = (error: unknown): never => {
    pack.destroy(error as Error);
    throw error;
  };
  const [filled, uploaded] = await Promise.allSettled([
    fill(pack).catch(cut),
    container.putArchive(pack as unknown as NodeJS.ReadableStream, { path: at }).catch(cut),
  ]);
  // The writer's own refusal says more than the engine's answer to a stream cut short.
  if (filled.status === 'rejected') throw filled.reason;
  if (uploaded.status === 'rejected') throw uploaded.reason;
}

/** Adds one entry and waits until the pack has taken all of it (the pack holds one entry at a time). */
export async function addEntry(
  pack: tar.Pack,
  header: Partial<tar.Header> & { name: string },
  data?: Readable | Buffer,
): Promise<void> {
  if (Buffer.isBuffer(data)) {
    await new Promise<void>((resolve, reject) => pack.entry(header, data, (e) => (e ? reject(e) : resolve())));
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const sink = pack.entry(header, (error) => (error ? reject(error) : resolve()));
    // A pack destroyed by a failed upload errors the sink; without this the reader would wait forever.
    sink.on('error', reject);
    if (!data) return;
    data.on('error', (error) => {
      sink.destroy(error);
      reject(error);
    });
    data.pipe(sink);
  });
}
