// Owns the rules for function and layer names: each becomes `<output>/<name>.zip`, so it must be
// one safe file name, and no two may name one file, also where the file system ignores case.
// Leaves the characters and length a name may have to schema.ts.
import { foldedName, unsafeNameReason } from './schema.js';
import type { FunctionSpec, LayerSpec } from './types.js';
import type { YamlReader } from './yaml-reader.js';

type Entry = FunctionSpec | LayerSpec;

/** Reports every unsafe name, and every pair of entries (functions and layers alike) that would write one zip. */
export function checkEntryNames(r: YamlReader, entries: readonly Entry[]): void {
  const byFile = new Map<string, Entry[]>();
  for (const entry of entries) {
    const unsafe = unsafeNameReason(entry.name);
    if (unsafe) {
      r.reportPos(
        entry.pos,
        `${entry.kind} name '${shown(entry.name)}' ${unsafe}; it becomes the zip's file name`,
        'use letters, digits, dots, dashes and underscores, in a name of reasonable length',
      );
      continue;
    }
    const key = foldedName(entry.name);
    byFile.set(key, [...(byFile.get(key) ?? []), entry]);
  }
  for (const [first, ...others] of byFile.values()) {
    for (const other of others) {
      if (!first) break;
      if (other.name === first.name) {
        // The same name twice under one section is a YAML error; here it is a function and a layer.
        const fn = first.kind === 'function' ? first : other;
        r.reportPos(
          fn.pos,
          `'${fn.name}' is both a function and a layer; both would write ${fn.name}.zip`,
          'rename one of them',
        );
        continue;
      }
      r.reportPos(
        other.pos,
        `${other.kind} '${shown(other.name)}' and ${first.kind} '${shown(first.name)}' would write ` +
          `${shown(other.name)}.zip and ${shown(first.name)}.zip, one file on macOS and Windows`,
        'their file systems ignore case (and macOS also Unicode normalization): rename one so the names differ in more than that',
      );
    }
  }
}

/** A name short enough to quote in a message. */
function shown(name: string): string {
  return name.length > 40 ? `${name.slice(0, 40)}…` : name;
}
