// Owns reading from an ELF file what the dynamic loader will ask of the system: class, byte order,
// machine, the libraries it needs, its soname, RPATH/RUNPATH and the symbol versions it requires
// (GLIBC_2.34...). Leaves finding those libraries and judging them against a target to the resolver.
//
// Only the ranges the answer lives in are read (headers, the dynamic section, its strings, the
// version needs), so a 100 MB library costs a few small reads. Bad input never throws and is never
// read out of bounds: it comes back as an ElfProblem.
import { bufferSource, withFileSource, type ByteSource } from './byte-source.js';
import { readVersionNeeds, highestGlibc, type VersionNeed } from './elf-versions.js';
import { ElfFault, ElfFields, type Range } from './elf-fields.js';
import type { ElfProblem } from './elf-problem.js';

export type { VersionNeed } from './elf-versions.js';
export type { ElfProblem } from './elf-problem.js';

/** e_machine of the two architectures Lambda runs. */
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

const MACHINE_NAMES: ReadonlyMap<number, string> = new Map([
  [3, 'i386'],
  [8, 'mips'],
  [20, 'ppc'],
  [21, 'ppc64'],
  [22, 's390'],
  [40, 'arm'],
  [EM_X86_64, 'x86_64'],
  [EM_AARCH64, 'aarch64'],
  [243, 'riscv'],
]);

/** `x86_64`, `aarch64`... or `machine 243` for one without a common name. */
export function machineWords(machine: number): string {
  return MACHINE_NAMES.get(machine) ?? `machine ${machine}`;
}

const TYPES = ['none', 'rel', 'exec', 'dyn', 'core'] as const;
/** e_type. A position-independent executable is `dyn`, like a shared library. */
export type ElfType = (typeof TYPES)[number] | 'other';

export interface ElfFile {
  class: 32 | 64;
  endian: 'little' | 'big';
  /** e_machine, e.g. EM_X86_64; `machineName` names the common ones (`x86_64`, `aarch64`). */
  machine: number;
  machineName: string | undefined;
  type: ElfType;
  /** Whether it has a dynamic section: a static executable or an object file has none and needs nothing. */
  dynamic: boolean;
  /** DT_NEEDED sonames, in file order (the loader's search order). */
  needed: string[];
  soname: string | undefined;
  /** DT_RPATH and DT_RUNPATH as written, colon-separated, `$ORIGIN` left for the resolver to expand. */
  rpath: string | undefined;
  runpath: string | undefined;
  /** .gnu.version_r: the versions it needs from each library. */
  versionNeeds: VersionNeed[];
  /** The highest `GLIBC_x.y[.z]` any library must provide, as `x.y[.z]`; undefined when none is needed. */
  highestGlibc: string | undefined;
}

export type ElfResult = { ok: true; elf: ElfFile } | { ok: false; problem: ElfProblem };

/** Whether these (first) bytes start with the ELF magic; false for fewer than 4 bytes. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** Reads an ELF image held in memory. Never throws on bad bytes. */
export function readElf(bytes: Uint8Array): ElfResult {
  return parseElf(bufferSource(bytes));
}

/**
 * Reads the ELF file at `absPath` with a few bounded reads. Bad content is an ElfProblem; a path
 * that is not a regular file throws InputProblemError and I/O failures throw as they come.
 */
export function readElfFile(absPath: string): ElfResult {
  return withFileSource(absPath, parseElf);
}

export function parseElf(source: ByteSource): ElfResult {
  const ident = source.read(0, 16);
  if (ident === undefined || !isElf(ident)) return { ok: false, problem: { reason: 'not-elf' } };
  const elfClass = ident[4] ?? 0;
  const data = ident[5] ?? 0;
  if (elfClass !== 1 && elfClass !== 2)
    return { ok: false, problem: { reason: 'unsupported', field: 'class', value: elfClass } };
  if (data !== 1 && data !== 2)
    return { ok: false, problem: { reason: 'unsupported', field: 'byte-order', value: data } };
  try {
    return { ok: true, elf: parseBody(new ElfFields(source, elfClass === 2, data === 1)) };
  } catch (error) {
    // ElfFault only ever signals bad input; keeping it internal lets each bounds check be one line.
    if (error instanceof ElfFault) return { ok: false, problem: error.problem };
    throw error;
  }
}

// Dynamic tags this reader uses (elf.h).
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_SONAME = 14;
const DT_RPATH = 15;
const DT_RUNPATH = 29;
const DT_VERNEED = 0x6ffffffe;
const DT_VERNEEDNUM = 0x6fffffff;
const SHT_DYNAMIC = 6;
const SHT_GNU_VERNEED = 0x6ffffffe;
const PT_DYNAMIC = 2;

function parseBody(f: ElfFields): ElfFile {
  const header = f.header();
  const machine = header.machine;
  const type: ElfType = TYPES[header.type] ?? 'other';
  const base = {
    class: f.is64 ? (64 as const) : (32 as const),
    endian: f.little ? ('little' as const) : ('big' as const),
    machine,
    machineName: MACHINE_NAMES.get(machine),
    type,
  };
  const dyn = findDynamic(f);
  if (dyn === undefined) {
    const none = { needed: [], soname: undefined, rpath: undefined, runpath: undefined };
    return { ...base, dynamic: false, ...none, versionNeeds: [], highestGlibc: undefined };
  }
  const tags = readDynamicTags(f, dyn.range);
  // Sections name the string table directly; without them the loader's own view (DT_STRTAB, an address) is used.
  const strtab = dyn.strtab ?? f.rangeAt(tags.strtab, tags.strsz, 'DT_STRTAB');
  const str = (index: number | undefined) => (index === undefined ? undefined : f.string(strtab, index));
  const versionNeeds = readVersionNeeds(f, findVerneed(f, tags, strtab));
  return {
    ...base,
    dynamic: true,
    needed: tags.needed.map((i) => f.string(strtab, i)),
    soname: str(tags.soname),
    rpath: str(tags.rpath),
    runpath: str(tags.runpath),
    versionNeeds,
    highestGlibc: highestGlibc(versionNeeds),
  };
}

/** The dynamic section's bytes and, when section headers say, its string table. */
function findDynamic(f: ElfFields): { range: Range; strtab: Range | undefined } | undefined {
  const sections = f.sections();
  const section = sections.find((s) => s.type === SHT_DYNAMIC);
  if (section !== undefined) {
    const strtab = sections[section.link];
    if (strtab === undefined)
      throw new ElfFault({ reason: 'malformed', what: 'dynamic section links to no string table' });
    return { range: section, strtab: { offset: strtab.offset, size: strtab.size } };
  }
  // Stripped of section headers (sstrip, some packers): the loader only needs the program headers.
  const segment = f.segments().find((p) => p.type === PT_DYNAMIC);
  return segment && { range: { offset: segment.offset, size: segment.filesz }, strtab: undefined };
}

interface DynamicTags {
  needed: number[];
  soname?: number;
  rpath?: number;
  runpath?: number;
  strtab?: number;
  strsz?: number;
  verneed?: number;
  verneednum?: number;
}

// Real dynamic sections hold a few dozen entries; a wild size must not make us read the whole file.
const LARGEST_DYNAMIC = 1 << 20;

function readDynamicTags(f: ElfFields, range: Range): DynamicTags {
  const entry = f.is64 ? 16 : 8;
  if (range.size > LARGEST_DYNAMIC) throw new ElfFault({ reason: 'malformed', what: 'dynamic section size' });
  const bytes = f.bytes(range.offset, range.size - (range.size % entry), 'dynamic section');
  const tags: DynamicTags = { needed: [] };
  for (let at = 0; at + entry <= bytes.length; at += entry) {
    const tag = f.word(bytes, at);
    const value = f.word(bytes, at + entry / 2);
    // A repeated tag overwrites the earlier one, as glibc's loader does (except DT_NEEDED, which accumulates).
    if (tag === DT_NULL) break;
    else if (tag === DT_NEEDED) tags.needed.push(value);
    else if (tag === DT_SONAME) tags.soname = value;
    else if (tag === DT_RPATH) tags.rpath = value;
    else if (tag === DT_RUNPATH) tags.runpath = value;
    else if (tag === DT_STRTAB) tags.strtab = value;
    else if (tag === DT_STRSZ) tags.strsz = value;
    else if (tag === DT_VERNEED) tags.verneed = value;
    else if (tag === DT_VERNEEDNUM) tags.verneednum = value;
  }
  return tags;
}

/** Where .gnu.version_r starts, how many entries it has and which strings it names. */
function findVerneed(f: ElfFields, tags: DynamicTags, dynstr: Range) {
  const sections = f.sections();
  const section = sections.find((s) => s.type === SHT_GNU_VERNEED);
  if (section !== undefined) {
    const strtab = sections[section.link];
    if (strtab === undefined)
      throw new ElfFault({ reason: 'malformed', what: '.gnu.version_r links to no string table' });
    // sh_info holds the entry count (the ELF gABI's GNU extension).
    return { offset: section.offset, count: section.info, strtab: { offset: strtab.offset, size: strtab.size } };
  }
  if (tags.verneed === undefined) return undefined;
  const offset = f.fileOffset(tags.verneed, 'DT_VERNEED');
  return { offset, count: tags.verneednum ?? 0, strtab: dynstr };
}
