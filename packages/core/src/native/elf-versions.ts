// Owns reading .gnu.version_r (the symbol versions a file needs from each library, GLIBC_2.34 and
// the like) and finding the highest glibc among them. Leaves comparing it with a target to the resolver.
import { ElfFault, type ElfFields, type Range } from './elf-fields.js';

export interface VersionNeed {
  /** The library's soname, as in DT_NEEDED (`libc.so.6`). */
  file: string;
  /** Version names (`GLIBC_2.17`); a weak one (VER_FLG_WEAK) does not stop the loader when the library lacks it. */
  versions: { name: string; weak: boolean }[];
}

export interface VerneedTable {
  offset: number;
  count: number;
  strtab: Range;
}

// Real files need a handful; a wild count must not make us walk the whole file 16 bytes at a time.
const MOST_ENTRIES = 4096;
const VER_FLG_WEAK = 0x2;

/** The Elfxx_Verneed entries and their Elfxx_Vernaux lists (the same layout in ELF32 and ELF64). */
export function readVersionNeeds(f: ElfFields, table: VerneedTable | undefined): VersionNeed[] {
  if (table === undefined) return [];
  if (table.count > MOST_ENTRIES) throw new ElfFault({ reason: 'malformed', what: 'version need count' });
  const out: VersionNeed[] = [];
  let at = table.offset;
  for (let i = 0; i < table.count; i++) {
    const entry = f.bytes(at, 16, '.gnu.version_r');
    // vn_version, vn_cnt, vn_file, vn_aux (offset of the first aux from this entry), vn_next
    const versions: VersionNeed['versions'] = [];
    let aux = at + f.u32(entry, 8);
    for (let j = 0; j < f.u16(entry, 2); j++) {
      const a = f.bytes(aux, 16, '.gnu.version_r');
      // vna_hash, vna_flags, vna_other, vna_name, vna_next
      versions.push({ name: f.string(table.strtab, f.u32(a, 8)), weak: (f.u16(a, 4) & VER_FLG_WEAK) !== 0 });
      if (f.u32(a, 12) === 0) break;
      aux += f.u32(a, 12);
    }
    out.push({ file: f.string(table.strtab, f.u32(entry, 4)), versions });
    if (f.u32(entry, 12) === 0) break;
    at += f.u32(entry, 12);
  }
  return out;
}

const GLIBC = /^GLIBC_(\d+(?:\.\d+)*)$/;

/** The highest `GLIBC_x.y[.z]` needed, as `x.y[.z]` (GLIBC_PRIVATE and other names are not versions). */
export function highestGlibc(needs: VersionNeed[]): string | undefined {
  let best: number[] | undefined;
  for (const { versions } of needs) {
    // A weak need (VER_FLG_WEAK) does not stop the loader when the library lacks the version.
    for (const { name } of versions.filter((v) => !v.weak)) {
      const parts = GLIBC.exec(name)?.[1]?.split('.').map(Number);
      if (parts !== undefined && (best === undefined || compareVersions(parts, best) > 0)) best = parts;
    }
  }
  return best?.join('.');
}

/** Numeric, part by part: 2.10 is above 2.9, and 2.2.5 above 2.2. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
