// Owns moving an install's files between this machine and its pip container through the engine's
// API, never through mounts, so the engine may be anywhere (DOCKER_HOST, a CI agent's mounted
// socket, Docker-in-Docker): in, the requirements closure, the pip.conf and the project files
// they name; out, the installed tree, file by file into juni's pack. Leaves running pip to
// pip-container.ts and what to send to core (run/pip-inputs.ts).
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import type { InstalledFiles, InstallRequest } from '@juni/core';
import { messageOf, statusOf } from './engine.js';
import { addEntry, putTar } from './tar-upload.js';

/** pip's working directory: the copy of the manifest folder (with only what pip's inputs name). */
export const PROJECT = '/juni/project';
/** The snapshot of the requirements closure, each file at `INPUTS/<its path on this machine>`. */
export const INPUTS = '/juni/inputs';
/** pip's `--target`. */
export const OUT = '/juni/out';

/** Every entry gets this time: what lands in the container does not depend on this machine's clock. */
const MTIME = new Date('1980-01-01T00:00:00Z');

export interface ContainerUser {
  uid: number;
  gid: number;
}

/** Where the snapshot's top requirements file is in the container. */
export function requirementsPath(request: InstallRequest): string {
  return posix(path.join(INPUTS, path.relative(request.inputs.root, request.inputs.requirements)));
}

/**
 * Copies pip's inputs into the (created, not started) container at `/`: the snapshot under
 * INPUTS, the pip.conf at /etc/pip.conf, the named project files under PROJECT (or at their own
 * absolute path when written absolute), and an empty OUT. What pip may write (OUT, the project's
 * copy: a local package builds in its own folder) belongs to `user`, which pip runs as.
 */
export async function sendInputs(container: Docker.Container, request: InstallRequest, user: ContainerUser) {
  const owned = { uid: user.uid, gid: user.gid, mtime: MTIME };
  const root = { uid: 0, gid: 0, mtime: MTIME };
  // What pip writes to (OUT, the project's copy) is the user's and writable by anyone: an engine
  // that does not keep the tar's owners (some compatible ones re-own uploads) must not leave pip,
  // which is not root, unable to write. /juni and the snapshot are root's.
  const writable = (name: string): boolean => name.startsWith(tarName(OUT)) || name.startsWith(tarName(PROJECT));
  await putTar(container, '/', async (pack) => {
    // Folder entries only under /juni: one for an image folder (/tmp) would change its mode.
    const folders = new Set<string>();
    const folder = async (name: string): Promise<void> => {
      if (folders.has(name) || !(name === 'juni' || name.startsWith('juni/'))) return;
      const parent = path.posix.dirname(name);
      if (parent !== '.') await folder(parent);
      folders.add(name);
      const owner = writable(name) ? { mode: 0o777, ...owned } : { mode: 0o755, ...root };
      await addEntry(pack, { name, type: 'directory', ...owner });
    };
    await folder(tarName(INPUTS));
    await folder(tarName(OUT));
    await folder(tarName(PROJECT));
    for (const file of snapshotFiles(request.inputs.root)) {
      if (file === request.inputs.pipconf) continue;
      const name = tarName(path.posix.join(INPUTS, posix(path.relative(request.inputs.root, file))));
      await folder(path.posix.dirname(name));
      await addEntry(pack, { name, type: 'file', mode: 0o644, ...root }, readFileSync(file));
    }
    if (request.inputs.pipconf !== undefined) {
      const header = { name: 'etc/pip.conf', type: 'file' as const, mode: 0o644, ...root };
      await addEntry(pack, header, readFileSync(request.inputs.pipconf));
    }
    for (const file of request.local.files) {
      const name = tarName(path.posix.isAbsolute(file.to) ? file.to : path.posix.join(PROJECT, file.to));
      await folder(path.posix.dirname(name));
      const header = { name, type: 'file' as const, mode: file.exec ? 0o755 : 0o644, size: file.size, ...owned };
      await addEntry(pack, header, createReadStream(file.from));
    }
    pack.finalize();
  });
}

/** The snapshot's files (the requirements closure and pip.conf, copied where the key was checked). */
function snapshotFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** The absolute paths pip's inputs name that are on this machine and that the image lacks. */
export async function missingInImage(container: Docker.Container, request: InstallRequest) {
  const missing = [];
  for (const ref of request.local.inImage) {
    try {
      await container.infoArchive({ path: ref.abs });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      missing.push(ref);
    }
  }
  return missing;
}

/**
 * Reads OUT out of the (stopped) container as a tar and hands each regular file to `files`,
 * waiting for it before reading on, so only a few files are in memory at once. Links inside the
 * tree are passed on as links; a link leading out of it cannot be followed on this machine and is
 * left out, with a log line.
 */
export async function receiveTree(container: Docker.Container, files: InstalledFiles, onLog: (line: string) => void) {
  const archive = await container.getArchive({ path: OUT });
  const extract = tar.extract();
  // The first refusal (by `files`, or of a link) stops the read; it is what the install fails with.
  let failure: Error | undefined;
  // The file being handed over: awaited before returning, so nothing writes to the pack afterwards.
  let handing: Promise<void> = Promise.resolve();
  const stop = (error: unknown): void => {
    failure ??= error instanceof Error ? error : new Error(messageOf(error));
    extract.destroy(failure);
    (archive as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  };
  extract.on('entry', (header, stream, next) => {
    const rel = treePath(header.name);
    const done = (error?: unknown): void => {
      if (error !== undefined) stop(error);
      else if (failure === undefined) next();
    };
    if (rel === undefined || header.type === 'directory') {
      stream.on('end', () => done()).resume();
      return;
    }
    if (header.type === 'file' || header.type === 'contiguous-file') {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => {
        chunks.push(chunk as Buffer);
      });
      stream.on('end', () => {
        const exec = ((header.mode ?? 0o644) & 0o111) !== 0;
        handing = files.file(rel, Buffer.concat(chunks), exec).then(() => done(), done);
      });
      return;
    }
    if ((header.type === 'symlink' || header.type === 'link') && header.linkname) {
      const target = header.type === 'link' ? treePath(header.linkname) : symlinkTarget(rel, header.linkname);
      if (target === undefined) onLog(`left out ${rel}: it links to ${header.linkname}, outside the installed tree`);
      else {
        try {
          files.link(rel, target);
        } catch (error) {
          // A name no folder walk could give (`out/../x`): refused, never thrown out of the parser.
          stream.resume();
          done(error);
          return;
        }
      }
    }
    stream.on('end', () => done()).resume();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      extract.on('finish', resolve);
      extract.on('error', (error) => reject(failure ?? error));
      extract.on('close', () => (failure ? reject(failure) : undefined));
      archive.on('error', (error: Error) => {
        stop(error);
        reject(failure ?? error);
      });
      archive.pipe(extract);
    });
  } finally {
    await handing;
  }
  if (failure !== undefined) throw failure;
}

/** A tar name of the archive of OUT (`out/a/b.py`) as a path in the tree (`a/b.py`); undefined for `out` itself. */
function treePath(name: string): string | undefined {
  const parts = name
    .replace(/^\.?\/+/, '')
    .split('/')
    .filter((p) => p !== '');
  return parts.length > 1 ? parts.slice(1).join('/') : undefined;
}

/** Where a symlink at `rel` in the tree points, in the tree; undefined when it leads out of it. */
function symlinkTarget(rel: string, linkname: string): string | undefined {
  const resolved = linkname.startsWith('/')
    ? path.posix.relative(OUT, path.posix.normalize(linkname))
    : path.posix.normalize(path.posix.join(path.posix.dirname(rel), linkname));
  if (resolved === '' || resolved === '.' || resolved.startsWith('../') || resolved === '..') return undefined;
  return resolved.replace(/\/+$/, '');
}

function tarName(abs: string): string {
  return abs.replace(/^\/+/, '');
}

function posix(p: string): string {
  return p.split(path.sep).join('/');
}
