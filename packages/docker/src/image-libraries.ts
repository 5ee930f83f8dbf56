// Owns finding shared libraries in a build image as its loader would, and copying them out
// (native_libs: bundle, and the "the image has it at ..." of a refused zip).
// Leaves deciding which libraries are needed to core's native/ resolver.
import { chmodSync, createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { refusedSoname } from '@juni/core';
import type { Architecture, FoundLibrary, ImageTask, LibraryLookup, LibraryRequest, NodeFailure } from '@juni/core';
import { attachOutput, type ContainerTracker } from './containers.js';
import { messageOf } from './engine.js';

/** What the image's loader needs to tell one architecture's libraries from another's. */
interface ArchitectureNames {
  /** The ABI in `ldconfig -p`'s parentheses, before any hwcap or OS ABI note. */
  cacheTag: string;
  /** The ELF e_machine of its libraries. */
  machine: number;
  /** Debian's multiarch folder name. */
  triplet: string;
}

const ARCHITECTURES: Record<Architecture, ArchitectureNames> = {
  x86_64: { cacheTag: 'libc6,x86-64', machine: 62, triplet: 'x86_64-linux-gnu' },
  arm64: { cacheTag: 'libc6,AArch64', machine: 183, triplet: 'aarch64-linux-gnu' },
};

/**
 * Runs in the image with `sh -c SCRIPT juni-libraries <cacheTag> <machine> <triplet> <soname>...`
 * and prints `found<TAB>soname<TAB>path<TAB>realPath` per soname it finds. The order is glibc's for
 * a library without RPATH: LD_LIBRARY_PATH (the image's own, inherited from its config), the
 * ld.so.cache, then the default folders. Folders can hold other architectures' files (the loader
 * skips them), so a candidate counts only when its ELF machine is the requested one. Sonames are
 * arguments, never part of the script text.
 */
const SCRIPT = String.raw`set -f
tag=$1 machine=$2 triplet=$3
shift 3
for tool in awk od head readlink tr; do
  command -v "$tool" >/dev/null 2>&1 || { echo "the image has no $tool, which the library lookup needs" >&2; exit 3; }
done
cache=$( { ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null ) || cache=
elf=$(printf '\177ELF')
ours() {
  [ -f "$1" ] && [ "$(head -c 4 "$1")" = "$elf" ] && [ "$(od -An -tu2 -j18 -N2 "$1" | tr -d ' ')" = "$machine" ]
}
# Folders on stdin; relative ones and ones with $ORIGIN-style tokens are not the image's to answer.
in_folders() {
  while IFS= read -r d; do
    case $d in /*'$'*|'') continue ;; /*) ;; *) continue ;; esac
    if ours "$d/$1"; then printf '%s\n' "$d/$1"; break; fi
  done
}
in_cache() {
  printf '%s\n' "$cache" | SO=$1 TAG=$tag awk '
    $1 == ENVIRON["SO"] {
      i = index($0, "("); j = index($0, ")"); k = index($0, " => ")
      if (!i || !j || !k) next
      split(substr($0, i + 1, j - i - 1), abi, ",")
      if (abi[1] "," abi[2] == ENVIRON["TAG"]) print substr($0, k + 4)
    }' | while IFS= read -r p; do
    if ours "$p"; then printf '%s\n' "$p"; break; fi
  done
}
for so in "$@"; do
  p=$(printf '%s\n' "$LD_LIBRARY_PATH" | tr ':;' '\n\n' | in_folders "$so")
  [ -n "$p" ] || p=$(in_cache "$so")
  [ -n "$p" ] || p=$(printf '%s\n' /usr/local/lib "/lib/$triplet" "/usr/lib/$triplet" /lib64 /usr/lib64 /lib /usr/lib | in_folders "$so")
  [ -n "$p" ] || continue
  real=$(readlink -f "$p") || { echo "cannot resolve $p" >&2; exit 4; }
  printf 'found\t%s\t%s\t%s\n' "$so" "$p" "$real"
done
`;

/** The script's `found` lines, for the sonames that were asked for only. */
export function parseFound(stdout: readonly string[], sonames: readonly string[]): FoundLibrary[] {
  const asked = new Set(sonames);
  const found = new Map<string, FoundLibrary>();
  for (const line of stdout) {
    const [tag, soname, at, realPath, ...rest] = line.split('\t');
    if (tag !== 'found' || rest.length > 0 || !soname || !at || !realPath || !asked.has(soname)) continue;
    if (!path.posix.isAbsolute(at) || !path.posix.isAbsolute(realPath)) continue;
    if (!found.has(soname)) found.set(soname, { soname, path: at, realPath });
  }
  // In the order asked, so a lookup's answer does not depend on how the script printed it.
  return sonames.flatMap((s) => found.get(s) ?? []);
}

const failed = (message: string): { ok: false; failure: NodeFailure } => ({
  ok: false,
  failure: { reason: 'container-failed', message },
});

/**
 * Looks `request.sonames` up in `imageId` as its loader would (see SCRIPT), in one container with
 * no network that is always removed; with `request.dest`, copies each found library's real file to
 * `dest/<soname>` (mode 0644, written under a temporary name, then renamed). Sonames not found are
 * absent from `found`; a soname that is not a plain file name is refused before any container runs.
 * Throws only what the host's file system throws while writing the copies (core reports those).
 */
export async function findLibraries(
  docker: Docker,
  tracker: ContainerTracker,
  imageId: string,
  request: LibraryRequest,
  task: ImageTask,
): Promise<LibraryLookup> {
  for (const soname of request.sonames) {
    const why = refusedSoname(soname);
    if (why) return failed(`refused to look up the library ${JSON.stringify(soname)}: ${why}`);
  }
  if (request.sonames.length === 0) return { ok: true, found: [] };
  if (task.signal.aborted) return { ok: false, failure: { reason: 'aborted' } };
  let container: Docker.Container | undefined;
  const abort = (): void => {
    if (container) void tracker.remove(container);
  };
  task.signal.addEventListener('abort', abort, { once: true });
  try {
    container = await tracker.create(docker, {
      Image: imageId,
      // The image's entrypoint (a Lambda runtime's bootstrap, say) must not wrap the lookup.
      Entrypoint: ['/bin/sh'],
      Cmd: ['-c', SCRIPT, 'juni-libraries', ...lookupArguments(request.architecture), ...request.sonames],
      NetworkDisabled: true,
      Labels: { 'dev.juni.role': 'libraries' },
      HostConfig: { AutoRemove: false },
    });
    const run = await runToEnd(docker, container, task);
    if (!run.ok) return run;
    const found = parseFound(run.stdout, request.sonames);
    if (request.dest !== undefined) {
      const copied = await copyOut(container, found, request.dest, task);
      if (!copied.ok) return copied;
    }
    return { ok: true, found };
  } catch (error) {
    if (task.signal.aborted) return { ok: false, failure: { reason: 'aborted' } };
    // Writing the copies is the host's business: core words a refused write (io-error) for every kind.
    if (isHostFileError(error)) throw error;
    return failed(`the library lookup container for image ${imageId} failed: ${messageOf(error)}`);
  } finally {
    task.signal.removeEventListener('abort', abort);
    if (container) await tracker.remove(container);
  }
}

/** A file-system error on this machine (it names a path), as opposed to the engine's or its socket's. */
function isHostFileError(error: unknown): boolean {
  const e = error as NodeJS.ErrnoException | undefined;
  return typeof e?.syscall === 'string' && typeof e.path === 'string';
}

function lookupArguments(architecture: Architecture): string[] {
  const names = ARCHITECTURES[architecture];
  return [names.cacheTag, String(names.machine), names.triplet];
}

type Run = { ok: true; stdout: string[] } | { ok: false; failure: NodeFailure };

/** Starts the created container and waits for it, with its stdout and stderr kept apart. */
async function runToEnd(docker: Docker, container: Docker.Container, task: ImageTask): Promise<Run> {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const output = await attachOutput(
    docker,
    container,
    (chunk) => stdout.push(chunk),
    (chunk) => stderr.push(chunk),
  );
  try {
    // An abort while the container was being created found nothing to remove: nothing runs now.
    if (task.signal.aborted) return { ok: false, failure: { reason: 'aborted' } };
    await container.start();
    const exit = (await container.wait()) as { StatusCode: number };
    // The output is complete only once the stream has ended, which follows the exit.
    await output.ended;
    if (task.signal.aborted) return { ok: false, failure: { reason: 'aborted' } };
    const errText = Buffer.concat(stderr).toString('utf8').trim();
    if (exit.StatusCode !== 0)
      return failed(`the library lookup exited with ${exit.StatusCode}${errText ? `: ${errText}` : ''}`);
    return { ok: true, stdout: Buffer.concat(stdout).toString('utf8').split('\n') };
  } finally {
    output.close();
  }
}

/** Copies each library's real file out of the (stopped) container to `dest/<soname>`. */
async function copyOut(
  container: Docker.Container,
  found: FoundLibrary[],
  dest: string,
  task: ImageTask,
): Promise<{ ok: true } | { ok: false; failure: NodeFailure }> {
  mkdirSync(dest, { recursive: true });
  for (const library of found) {
    const to = path.join(dest, library.soname);
    let archive: NodeJS.ReadableStream;
    try {
      archive = await container.getArchive({ path: library.realPath });
    } catch (error) {
      return failed(`could not read ${library.realPath} from the image: ${messageOf(error)}`);
    }
    task.onLog(`copying ${library.realPath} out of the image as ${library.soname}`);
    const written = await writeOneFile(archive, to);
    if (!written) return failed(`${library.realPath} in the image is not a regular file`);
    library.copy = to;
  }
  return { ok: true };
}

/** Writes the tar's one regular file to `to` (0644) via a temporary name; false if it has none. */
async function writeOneFile(archive: NodeJS.ReadableStream, to: string): Promise<boolean> {
  const temp = `${to}.${process.pid}.partial`;
  let wrote = false;
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    if (header.type === 'file' && !wrote) {
      wrote = true;
      // A write that fails (a full disk) fails the extraction, not the process.
      pipeline(stream, createWriteStream(temp, { mode: 0o644 })).then(
        () => next(),
        (error: Error) => extract.destroy(error),
      );
      return;
    }
    stream.resume();
    stream.on('end', next);
  });
  try {
    await pipeline(archive, extract);
    if (!wrote) return false;
    // The umask may have narrowed the mode at creation; a bundled library is 0644 wherever it goes.
    chmodSync(temp, 0o644);
    renameSync(temp, to);
    return true;
  } finally {
    rmSync(temp, { force: true });
  }
}
