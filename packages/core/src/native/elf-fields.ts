// Owns decoding ELF's fixed structures (file header, section and program headers, string tables) in
// either class and byte order, with every read checked against the file. Leaves their meaning to elf.ts.
import type { ByteSource } from './byte-source.js';
import type { ElfProblem } from './elf-problem.js';

/** Bad input found mid-parse; parseElf turns it into an ElfResult and nothing else ever sees it. */
export class ElfFault extends Error {
  constructor(readonly problem: ElfProblem) {
    super(problem.reason);
  }
}

export interface Range {
  offset: number;
  size: number;
}

export interface SectionHeader extends Range {
  type: number;
  link: number;
  info: number;
}

/** The file header fields this reader uses. */
export interface ElfHeader {
  type: number;
  machine: number;
  phoff: number;
  shoff: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
}

export interface ProgramHeader {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
}

const PT_LOAD = 1;
// Far more than any real file has; a wild count must not make us read megabytes of headers.
const MOST_HEADERS = 1 << 16;
// A soname or a search path longer than this is not one the loader would use (PATH_MAX is 4096).
const LONGEST_STRING = 1 << 16;
const STRING_CHUNK = 256;

export class ElfFields {
  #sections: SectionHeader[] | undefined;
  #segments: ProgramHeader[] | undefined;
  #header: ElfHeader | undefined;

  constructor(
    readonly source: ByteSource,
    readonly is64: boolean,
    readonly little: boolean,
  ) {}

  /** Exactly `length` bytes at `offset`, or an ElfFault saying what was being read. */
  bytes(offset: number, length: number, what: string): Uint8Array {
    const bytes = this.source.read(offset, length);
    if (bytes === undefined) throw new ElfFault({ reason: 'truncated', what, offset, length, size: this.source.size });
    return bytes;
  }

  u16(bytes: Uint8Array, at: number): number {
    return view(bytes).getUint16(at, this.little);
  }

  u32(bytes: Uint8Array, at: number): number {
    return view(bytes).getUint32(at, this.little);
  }

  /** An address, offset or size: 4 bytes in ELF32, 8 in ELF64. Beyond 2^53 it is inexact, and no read accepts it. */
  word(bytes: Uint8Array, at: number): number {
    return this.is64 ? Number(view(bytes).getBigUint64(at, this.little)) : this.u32(bytes, at);
  }

  header(): ElfHeader {
    return (this.#header ??= this.readHeader());
  }

  private readHeader(): ElfHeader {
    const h = this.bytes(0, this.is64 ? 64 : 52, 'ELF header');
    // Past e_ident, ELF64 widens e_entry, e_phoff and e_shoff to 8 bytes; the rest keep their order.
    const w = this.is64 ? 8 : 4;
    const after = 24 + 3 * w + 4;
    return {
      type: this.u16(h, 16),
      machine: this.u16(h, 18),
      phoff: this.word(h, 24 + w),
      shoff: this.word(h, 24 + 2 * w),
      phentsize: this.u16(h, after + 2),
      phnum: this.u16(h, after + 4),
      shentsize: this.u16(h, after + 6),
      shnum: this.u16(h, after + 8),
    };
  }

  sections(): SectionHeader[] {
    return (this.#sections ??= this.readSections());
  }

  private readSections(): SectionHeader[] {
    const { shoff, shentsize } = this.header();
    if (shoff === 0) return [];
    if (shentsize < (this.is64 ? 64 : 40)) throw new ElfFault({ reason: 'malformed', what: 'section header size' });
    const read = (i: number) => this.bytes(shoff + i * shentsize, shentsize, 'section headers');
    // With 0xff00 sections or more, e_shnum is 0 and the count moves to section 0's sh_size.
    const count = this.header().shnum || this.word(read(0), this.is64 ? 32 : 20);
    if (count > MOST_HEADERS) throw new ElfFault({ reason: 'malformed', what: 'section count' });
    const table = this.bytes(shoff, count * shentsize, 'section headers');
    const out: SectionHeader[] = [];
    for (let at = 0; at < table.length; at += shentsize) {
      const s = table.subarray(at, at + shentsize);
      const w = this.is64 ? 8 : 4;
      // sh_name, sh_type, sh_flags(w), sh_addr(w), sh_offset(w), sh_size(w), sh_link, sh_info
      out.push({
        type: this.u32(s, 4),
        offset: this.word(s, 8 + 2 * w),
        size: this.word(s, 8 + 3 * w),
        link: this.u32(s, 8 + 4 * w),
        info: this.u32(s, 12 + 4 * w),
      });
    }
    return out;
  }

  segments(): ProgramHeader[] {
    return (this.#segments ??= this.readSegments());
  }

  private readSegments(): ProgramHeader[] {
    const { phoff, phentsize, phnum } = this.header();
    if (phoff === 0 || phnum === 0) return [];
    if (phentsize < (this.is64 ? 56 : 32)) throw new ElfFault({ reason: 'malformed', what: 'program header size' });
    // PN_XNUM: more than 0xfffe segments, the count is in section 0's sh_info.
    const count = phnum === 0xffff ? (this.sections()[0]?.info ?? 0) : phnum;
    if (count > MOST_HEADERS) throw new ElfFault({ reason: 'malformed', what: 'program header count' });
    const table = this.bytes(phoff, count * phentsize, 'program headers');
    const out: ProgramHeader[] = [];
    for (let at = 0; at < table.length; at += phentsize) {
      const p = table.subarray(at, at + phentsize);
      // ELF64 moves p_flags up next to p_type, so the fields after it shift.
      out.push(
        this.is64
          ? { type: this.u32(p, 0), offset: this.word(p, 8), vaddr: this.word(p, 16), filesz: this.word(p, 32) }
          : { type: this.u32(p, 0), offset: this.u32(p, 4), vaddr: this.u32(p, 8), filesz: this.u32(p, 16) },
      );
    }
    return out;
  }

  /** Where the loaded address `addr` comes from in the file, through the PT_LOAD segments. */
  fileOffset(addr: number | undefined, what: string): number {
    const load = this.segments().find(
      (p) => p.type === PT_LOAD && addr !== undefined && addr >= p.vaddr && addr < p.vaddr + p.filesz,
    );
    if (load === undefined || addr === undefined) throw new ElfFault({ reason: 'malformed', what: `${what} address` });
    return load.offset + (addr - load.vaddr);
  }

  /** The file range of a table given by dynamic tags (an address and a size). */
  rangeAt(addr: number | undefined, size: number | undefined, what: string): Range {
    if (size === undefined) throw new ElfFault({ reason: 'malformed', what: `${what} size` });
    return { offset: this.fileOffset(addr, what), size };
  }

  /** The NUL-terminated string at `index` in a string table, read a chunk at a time (.dynstr can be megabytes). */
  string(table: Range, index: number): string {
    if (index >= table.size) throw new ElfFault({ reason: 'malformed', what: 'string index past its table' });
    const end = Math.min(table.size, index + LONGEST_STRING);
    const parts: Uint8Array[] = [];
    for (let at = index; at < end; at += STRING_CHUNK) {
      const chunk = this.bytes(table.offset + at, Math.min(STRING_CHUNK, end - at), 'string table');
      const nul = chunk.indexOf(0);
      parts.push(nul === -1 ? chunk : chunk.subarray(0, nul));
      if (nul !== -1) return Buffer.concat(parts).toString('utf8');
    }
    throw new ElfFault({ reason: 'malformed', what: 'unterminated string' });
  }
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
