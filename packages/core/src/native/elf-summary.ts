// Owns the little an ELF file's record keeps of it (machine, needs, search paths, glibc), and
// reading it from a file once: the summary is stored with the install or zip it belongs to, so a
// later build judges the file without opening it. Leaves the judging to resolve.ts.
import { InputProblemError } from '../fs/input-problem.js';
import { bufferSource, withFileSource } from './byte-source.js';
import { parseElf, type ElfFile, type ElfProblem, type ElfResult } from './elf.js';

/** Bumped when a summary gains or changes a field: installs summarised by an older reader are redone. */
export const ELF_SUMMARY_VERSION = 1;

/** What the dynamic loader will ask of one file, as stored in a result (see cache/node-output.ts). */
export interface ElfSummary {
  /** e_machine (62 x86_64, 183 aarch64) and ELF class. */
  machine: number;
  class: 32 | 64;
  /** Only `dyn` (shared objects, PIE executables) and `exec` files are ever loaded. */
  type: string;
  needed: string[];
  rpath?: string;
  runpath?: string;
  /** The highest GLIBC_x.y it needs, as `x.y`. */
  glibc?: string;
  /** Set instead of the rest when the file starts like ELF but cannot be read as one. */
  unreadable?: string;
}

export function summarize(elf: ElfFile): ElfSummary {
  return {
    machine: elf.machine,
    class: elf.class,
    type: elf.type,
    needed: elf.needed,
    ...(elf.rpath !== undefined ? { rpath: elf.rpath } : {}),
    ...(elf.runpath !== undefined ? { runpath: elf.runpath } : {}),
    ...(elf.highestGlibc !== undefined ? { glibc: elf.highestGlibc } : {}),
  };
}

function problemWords(problem: ElfProblem): string {
  switch (problem.reason) {
    case 'not-elf':
      return 'not an ELF file';
    case 'unsupported':
      return `its ELF ${problem.field} (${problem.value}) is not one the ELF specification defines`;
    case 'truncated':
      return `its ${problem.what} lies past the end of the file (cut short?)`;
    case 'malformed':
      return `its ${problem.what} is malformed`;
  }
}

// The smallest ELF header (32-bit) is 52 bytes: anything shorter cannot be loaded.
const SMALLEST_ELF = 52;

/**
 * The summary of the file at `absPath` when it is an ELF file, else undefined: one open, one
 * 16-byte read for a file that is not ELF, a few bounded reads for one that is. A file that is no
 * longer there or no longer regular (changed since planning) is undefined too: the zip writer
 * refuses it by name, as an input that changed.
 */
export function inspectFile(absPath: string, size: number): ElfSummary | undefined {
  if (size < SMALLEST_ELF) return undefined;
  let read: ElfResult;
  try {
    read = withFileSource(absPath, parseElf);
  } catch (error) {
    if (error instanceof InputProblemError || (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return summaryOf(read);
}

/** The same as inspectFile, for a file's bytes already in memory (one streamed from a container). */
export function inspectBytes(bytes: Uint8Array): ElfSummary | undefined {
  return bytes.length < SMALLEST_ELF ? undefined : summaryOf(parseElf(bufferSource(bytes)));
}

function summaryOf(read: ElfResult): ElfSummary | undefined {
  if (read.ok) return summarize(read.elf);
  if (read.problem.reason === 'not-elf') return undefined;
  return { machine: 0, class: 64, type: 'other', needed: [], unreadable: problemWords(read.problem) };
}

/**
 * Whether a project file may be an ELF file the loader opens: a shared object by name (`x.so`,
 * `libx.so.1`), or an executable (exec bit, or no extension, as binaries are named). Only these are
 * opened when a zip is built, so a code edit beside thousands of .py files reads none of them.
 */
export function mayBeElf(relPath: string, exec: boolean): boolean {
  if (exec) return true;
  const base = relPath.slice(relPath.lastIndexOf('/') + 1);
  return /\.so(\.[0-9A-Za-z_]+)*$/.test(base) || !base.includes('.');
}
