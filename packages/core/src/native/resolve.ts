// Owns judging a zip's ELF files as Lambda's loader will meet them: each needed library is looked
// for where the loader looks (RPATH, LD_LIBRARY_PATH's /var/task, /var/task/lib and /opt/lib,
// RUNPATH, the runtime's own libraries), and each file's architecture, glibc and Python tag is
// checked against the target. Pure: the files' summaries come in, findings go out.
import path from 'node:path/posix';
import type { ElfSummary } from './elf-summary.js';
import { MACHINE_OF, type NativeTarget } from './target.js';
import { compareVersions } from './elf-versions.js';

/** One file of the zip, by its path in the zip, with its ELF summary when it is one. */
export interface ZipFileView {
  path: string;
  elf?: ElfSummary | undefined;
}

/** What the zip and its surroundings hold, as the loader sees them on Lambda. */
export interface LoaderView {
  /** A function's zip is unpacked at /var/task, a layer's at /opt. */
  mount: '/var/task' | '/opt';
  files: readonly ZipFileView[];
  /** For a function: names of the files in the `lib/` folder of each layer it lists (/opt/lib). */
  layerLibs: readonly string[];
  /**
   * For a function: needs of its layers' files that each layer alone could not meet (a library in
   * another layer's lib/ or the function's zip), each named with its layer: judged here, where all
   * of /opt/lib and /var/task are known.
   */
  deferred?: readonly DeferredNeed[];
}

/** A need a layer leaves to the functions that list it. */
export interface DeferredNeed {
  /** `layer base: python/x.so`: the file, as the function's messages name it. */
  file: string;
  soname: string;
}

export type NativeProblem =
  | { problem: 'missing'; file: string; soname: string }
  | { problem: 'wrong-architecture'; file: string; machine: number; bits: 32 | 64 }
  | { problem: 'glibc'; file: string; needs: string; has: string }
  | { problem: 'python-tag'; file: string; built: string };

/** Bumped when the judging changes, so zips judged by older rules are judged again. */
export const NATIVE_RULES = 1;

const numbers = (version: string): number[] => version.split('.').map(Number);

/** Lambda's LD_LIBRARY_PATH, after the runtime's own folders (whose libraries are `provided`). */
const LIBRARY_PATH = ['/var/task', '/var/task/lib', '/opt/lib'];

/** A file the loader maps: a shared object or executable of some machine, readable. */
type Loadable = ZipFileView & { elf: ElfSummary };

/** Every problem the loader (or Python's import) would meet, in file order. */
export function judgeZip(view: LoaderView, target: NativeTarget): NativeProblem[] {
  const dirs = folderIndex(view);
  const problems: NativeProblem[] = [];
  const loadable: Loadable[] = [];
  for (const file of view.files) {
    const tag = pythonTagProblem(file.path, target);
    if (tag) problems.push(tag);
    const elf = file.elf;
    // Object files, core dumps and unreadable files are never mapped by the loader.
    if (!elf || elf.unreadable !== undefined || (elf.type !== 'dyn' && elf.type !== 'exec')) continue;
    if (elf.machine !== MACHINE_OF[target.architecture] || elf.class !== 64) {
      problems.push({ problem: 'wrong-architecture', file: file.path, machine: elf.machine, bits: elf.class });
      continue; // its needs are another machine's
    }
    if (target.os && elf.glibc !== undefined && compareVersions(numbers(elf.glibc), numbers(target.os.glibc)) > 0)
      problems.push({ problem: 'glibc', file: file.path, needs: elf.glibc, has: target.os.glibc });
    loadable.push({ ...file, elf });
  }
  const searched = searchPaths(view.mount, loadable, dirs);
  for (const file of loadable) {
    for (const soname of file.elf.needed) {
      // A path in DT_NEEDED is opened as is; juni cannot know the machine's files outside the zip.
      if (soname.includes('/') || target.provided.has(soname)) continue;
      if (find(searched.get(file.path)!, soname, dirs) === undefined)
        problems.push({ problem: 'missing', file: file.path, soname });
    }
  }
  // A layer's file is not in this zip: only LD_LIBRARY_PATH and the runtime serve it here.
  for (const need of view.deferred ?? []) {
    if (!target.provided.has(need.soname) && find(LIBRARY_PATH, need.soname, dirs) === undefined)
      problems.push({ problem: 'missing', file: need.file, soname: need.soname });
  }
  return problems;
}

/** Where `soname` is found along `path` (absolute folders), or undefined. */
function find(path: readonly string[], soname: string, dirs: ReadonlyMap<string, Set<string>>): string | undefined {
  const dir = path.find((d) => dirs.get(d)?.has(soname));
  return dir === undefined ? undefined : `${dir}/${soname}`;
}

/**
 * Each file's search path, as glibc's loader builds it when the file asks for a library: without a
 * DT_RUNPATH, its own DT_RPATH and then the DT_RPATH of every object that loaded it, up the chain
 * (auditwheel gives a grafted library no RPATH of its own when it had none: its needs are found
 * through the extension's); then LD_LIBRARY_PATH; then its DT_RUNPATH. Which object loads which is
 * followed through the zip until nothing changes.
 */
function searchPaths(
  mount: string,
  files: readonly Loadable[],
  dirs: ReadonlyMap<string, Set<string>>,
): Map<string, string[]> {
  const at = (f: Loadable): string => `${mount}/${f.path}`;
  const byAbs = new Map(files.map((f) => [at(f), f]));
  const own = new Map(files.map((f) => [f.path, f.elf.runpath === undefined ? expand(f.elf.rpath, at(f)) : []]));
  const inherited = new Map<string, Set<string>>(files.map((f) => [f.path, new Set()]));
  const pathOf = (f: Loadable): string[] => [
    ...(f.elf.runpath === undefined ? [...own.get(f.path)!, ...inherited.get(f.path)!] : []),
    ...LIBRARY_PATH,
    ...expand(f.elf.runpath, at(f)),
  ];
  // Each round carries RPATHs one more level down the chain; a chain is never longer than the zip.
  for (let round = 0, changed = true; changed && round <= files.length; round++) {
    changed = false;
    for (const loader of files) {
      // An object with a DT_RUNPATH contributes no DT_RPATH, but passes on what loaded it.
      const chain = [...own.get(loader.path)!, ...inherited.get(loader.path)!];
      if (chain.length === 0) continue;
      for (const soname of loader.elf.needed) {
        const found = find(pathOf(loader), soname, dirs);
        const loaded = found === undefined ? undefined : byAbs.get(found);
        if (!loaded || loaded === loader) continue;
        const into = inherited.get(loaded.path)!;
        for (const dir of chain) {
          if (!into.has(dir)) {
            into.add(dir);
            changed = true;
          }
        }
      }
    }
  }
  return new Map(files.map((f) => [f.path, pathOf(f)]));
}

/** Folder on Lambda -> the names of the files in it that this view knows of. */
function folderIndex(view: LoaderView): Map<string, Set<string>> {
  const dirs = new Map<string, Set<string>>();
  const add = (abs: string): void => {
    const dir = path.dirname(abs);
    let names = dirs.get(dir);
    if (!names) dirs.set(dir, (names = new Set()));
    names.add(path.basename(abs));
  };
  for (const f of view.files) add(`${view.mount}/${f.path}`);
  for (const name of view.layerLibs) add(`/opt/lib/${name}`);
  return dirs;
}

/**
 * A DT_RPATH or DT_RUNPATH as absolute folders. `$ORIGIN` is the file's own folder; entries with
 * other tokens ($LIB, $PLATFORM) name folders juni cannot know and are skipped.
 */
function expand(list: string | undefined, at: string): string[] {
  const origin = path.dirname(at);
  return (list ?? '')
    .split(':')
    .filter((d) => d !== '')
    .map((d) => d.replace(/\$(ORIGIN\b|\{ORIGIN\})/g, origin))
    .filter((d) => d.startsWith('/') && !d.includes('$'))
    .map((d) => path.normalize(d).replace(/(.)\/$/, '$1'));
}

// CPython's extension suffix: name.cpython-311-x86_64-linux-gnu.so (a `d` or `t` may follow the version).
const CPYTHON_TAG = /\.cpython-3(\d+)[a-z]*-[^/]*\.so$/;

/** An extension module built for another Python than the target cannot be imported by it. */
function pythonTagProblem(file: string, target: NativeTarget): NativeProblem | undefined {
  if (target.python === undefined) return undefined;
  const minor = CPYTHON_TAG.exec(file)?.[1];
  if (minor === undefined || `3.${minor}` === target.python) return undefined;
  return { problem: 'python-tag', file, built: `3.${minor}` };
}
