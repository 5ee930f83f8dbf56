// Owns finding shared libraries on this machine as its loader would (the local executor's build
// ran here): the ld.so.cache, then the usual folders; and copying them out for native_libs: bundle.
// Leaves deciding which are needed to resolve.ts, and the build image's libraries to packages/docker.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Hasher } from '../hash/xxhash.js';
import type { Architecture } from '../manifest/types.js';
import { readElfFile } from './elf.js';
import { refusedSoname, type FoundLibrary, type LibraryLookup, type LibraryRequest } from './library-lookup.js';
import { MACHINE_OF } from './target.js';

/** The architecture this process runs on, as a target names it; undefined for any other. */
export function hostArchitecture(arch: string = process.arch): Architecture | undefined {
  return arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'arm64' : undefined;
}

const ABI_MARK: Record<Architecture, string> = { x86_64: 'x86-64', arm64: 'AArch64' };
const TRIPLET: Record<Architecture, string> = { x86_64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };

/** `ldconfig -p`'s "\tlibyaml-0.so.2 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libyaml-0.so.2" lines. */
export function parseLdconfig(text: string, architecture: Architecture): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\S+) \(([^)]*)\)[^=]*=> (\/.+)$/.exec(line);
    if (!m || out.has(m[1]!)) continue;
    // 32-bit and other-ABI entries carry no (or another) mark: the loader would skip them too.
    if (m[2]!.split(',').includes(ABI_MARK[architecture])) out.set(m[1]!, m[3]!.trim());
  }
  return out;
}

function ldconfigCache(architecture: Architecture): Map<string, string> {
  for (const bin of ['/sbin/ldconfig', '/usr/sbin/ldconfig', 'ldconfig']) {
    const run = spawnSync(bin, ['-p'], { encoding: 'utf8', timeout: 10_000, maxBuffer: 16 * 1024 * 1024 });
    if (run.status === 0) return parseLdconfig(run.stdout, architecture);
  }
  return new Map();
}

/** `at` with its links resolved, when it is a regular ELF file of the architecture; else undefined. */
function libraryAt(at: string, architecture: Architecture): { at: string; realPath: string } | undefined {
  try {
    const realPath = realpathSync(at);
    if (!statSync(realPath).isFile()) return undefined;
    const elf = readElfFile(realPath);
    // The loader skips a file of another machine and goes on searching: so does this.
    return elf.ok && elf.elf.machine === MACHINE_OF[architecture] ? { at, realPath } : undefined;
  } catch {
    return undefined; // a dangling link or an unreadable file: the loader would not load it either
  }
}

/**
 * Looks the sonames up on this machine. Only a host of the target's architecture is searched: a
 * library of another machine could never be bundled, and saying "this machine has it" would mislead.
 */
export function findHostLibraries(request: LibraryRequest): LibraryLookup {
  const { architecture, dest } = request;
  if (hostArchitecture() !== architecture) return { ok: true, found: [] };
  const cache = ldconfigCache(architecture);
  const folders = [
    '/usr/local/lib',
    `/lib/${TRIPLET[architecture]}`,
    `/usr/lib/${TRIPLET[architecture]}`,
    '/lib64',
    '/usr/lib64',
    '/lib',
    '/usr/lib',
  ];
  const found: FoundLibrary[] = [];
  for (const soname of request.sonames) {
    if (refusedSoname(soname) !== undefined) continue;
    const candidates = [cache.get(soname), ...folders.map((d) => path.join(d, soname))];
    const hit = candidates
      .map((at) => (at === undefined ? undefined : libraryAt(at, architecture)))
      .find((h) => h !== undefined);
    if (hit === undefined) continue;
    const { at, realPath } = hit;
    const library: FoundLibrary = { soname, path: at, realPath };
    if (dest !== undefined) {
      mkdirSync(dest, { recursive: true });
      library.copy = path.join(dest, soname);
      copyFileSync(realPath, library.copy);
      chmodSync(library.copy, 0o644);
    }
    found.push(library);
  }
  return { ok: true, found };
}

/**
 * What identifies this machine's libraries for a key: every library its ld.so.cache lists for the
 * architecture, by path, resolved file, size, time and inode, so a security update that replaces a
 * library's bytes behind the same name changes it. Libraries outside the cache (a /usr/local/lib
 * without ldconfig run) are not covered. One ldconfig run and a stat per library (~1,000 here).
 */
export function hostLibrariesId(hasher: Hasher, architecture: Architecture): string {
  let id = hostIds.get(architecture);
  if (id === undefined) hostIds.set(architecture, (id = describeHostLibraries(hasher, architecture)));
  return id;
}

// Once per process: a build plans every zip with the same machine (a --watch session keeps it).
const hostIds = new Map<Architecture, string>();

function describeHostLibraries(hasher: Hasher, architecture: Architecture): string {
  const lines: string[] = [];
  for (const [soname, at] of [...ldconfigCache(architecture)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    try {
      const real = realpathSync(at);
      const st = statSync(real);
      lines.push(`${soname}=${at}>${real}:${st.size}:${st.mtimeMs}:${st.ino}`);
    } catch {
      lines.push(`${soname}=${at}>gone`);
    }
  }
  return hasher.string(lines.join('\n'));
}
