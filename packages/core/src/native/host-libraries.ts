// Owns finding shared libraries on this machine as its loader would (the local executor's build
// ran here): the ld.so.cache, then the usual folders; and copying them out for native_libs: bundle.
// Leaves deciding which are needed to resolve.ts, and the build image's libraries to packages/docker.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { readRegularFileSync } from '../fs/read-regular.js';
import type { Hasher } from '../hash/xxhash.js';
import type { Architecture } from '../manifest/types.js';
import type { FoundLibrary, LibraryLookup, LibraryRequest } from './library-lookup.js';

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
    if (soname.includes('/')) continue;
    const at = cache.get(soname) ?? folders.map((d) => path.join(d, soname)).find((p) => existsSync(p));
    if (at === undefined) continue;
    let realPath: string;
    try {
      realPath = realpathSync(at);
    } catch {
      continue; // a dangling link in the cache: the loader would not find it either
    }
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
 * What identifies this machine's libraries for a key: the hash of its ld.so.cache (rewritten by
 * every package install that adds or updates a library), or 'none' where there is none.
 */
export function hostLibrariesId(hasher: Hasher): string {
  try {
    return hasher.bytes(readRegularFileSync('/etc/ld.so.cache'));
  } catch {
    return 'none';
  }
}
