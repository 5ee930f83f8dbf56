// Owns copying an image's /var/task/lambda_lib and /var/task/lambda_bin out of it (juniper's
// convention for shared libraries and binaries), into lib/ and bin/ of a host folder.
// Leaves placing them in zips to core.
import { chmodSync, copyFileSync, createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import type { ImageTask, NodeFailure } from '@juni/core';
import type { ContainerTracker } from './containers.js';
import { messageOf, statusOf } from './engine.js';

const FOLDERS = [
  ['/var/task/lambda_lib', 'lib'],
  ['/var/task/lambda_bin', 'bin'],
] as const;

export async function extractLambdaFiles(
  docker: Docker,
  tracker: ContainerTracker,
  imageId: string,
  target: string,
  task: ImageTask,
): Promise<{ ok: true } | { ok: false; failure: NodeFailure }> {
  mkdirSync(target, { recursive: true });
  // A created (never started) container is enough to read the image's files.
  const container = await tracker.create(docker, {
    Image: imageId,
    Cmd: ['true'],
    NetworkDisabled: true,
    Labels: { 'dev.juni.role': 'lambda-files' },
  });
  try {
    for (const [from, to] of FOLDERS) {
      let archive: NodeJS.ReadableStream;
      try {
        archive = await container.getArchive({ path: from });
      } catch (error) {
        if (statusOf(error) === 404) continue;
        return {
          ok: false,
          failure: {
            reason: 'container-failed',
            message: `could not read ${from} from the image: ${messageOf(error)}`,
          },
        };
      }
      task.onLog(`copying ${from} out of the image`);
      await untar(archive, path.join(target, to));
    }
    return { ok: true };
  } finally {
    await tracker.remove(container);
  }
}

/** Extracts files under `root/` of the tar into `dest`, keeping exec bits; symlinks become copies. */
async function untar(archive: NodeJS.ReadableStream, dest: string): Promise<void> {
  const links: { at: string; target: string }[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const rel = header.name
      .replace(/^\.?\/?/, '')
      .split('/')
      .slice(1)
      .join('/');
    const at = path.join(dest, rel);
    const inside = rel !== '' && !rel.split('/').includes('..');
    if (inside && header.type === 'file') {
      mkdirSync(path.dirname(at), { recursive: true });
      const mode = (header.mode ?? 0o644) & 0o111 ? 0o755 : 0o644;
      stream.pipe(createWriteStream(at, { mode })).on('finish', () => {
        chmodSync(at, mode);
        next();
      });
      return;
    }
    if (inside && header.type === 'symlink' && header.linkname)
      links.push({ at, target: path.resolve(path.dirname(at), header.linkname) });
    stream.resume();
    stream.on('end', next);
  });
  await pipeline(archive, extract);
  // Zips hold no symlinks: a link to a file copied out becomes a copy of it (libfoo.so -> .so.1).
  for (const link of links) {
    if (link.target.startsWith(dest) && existsSync(link.target)) {
      mkdirSync(path.dirname(link.at), { recursive: true });
      copyFileSync(link.target, link.at);
    }
  }
}
