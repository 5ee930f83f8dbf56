// Owns the ways an ELF file can be unreadable, as data. Leaves wording them to the CLI.

export type ElfProblem =
  | { reason: 'not-elf' }
  /** EI_CLASS or EI_DATA holds a value the ELF specification does not define. */
  | { reason: 'unsupported'; field: 'class' | 'byte-order'; value: number }
  /** A range the file points to lies past its end: the file was cut short, or the offset is wild. */
  | { reason: 'truncated'; what: string; offset: number; length: number; size: number }
  /** A structure is inconsistent (an unterminated string, a section link to nowhere...). */
  | { reason: 'malformed'; what: string };
