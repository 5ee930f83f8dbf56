// Owns the files a requirements file pulls in (-r / -c), which are inputs of the install, and the
// name each has in the install's key. Leaves hashing them to the planner and copying them to
// requirements-snapshot.ts.
import { existsSync } from 'node:fs';
import { readRegularFileSync } from '../fs/read-regular.js';
import path from 'node:path';

const REFERENCE = /^(\s*(?:-r|--requirement|-c|--constraint)(?:\s+|=))(\S+)(.*)$/;

/** A `-r`/`-c` line's target, resolved against the folder of the file that names it. */
export interface RequirementsReference {
  /** Index of the line in the file. */
  line: number;
  /** The line split around the path, so the path can be rewritten. */
  before: string;
  ref: string;
  after: string;
  abs: string;
}

/** The `-r`/`-c` references of one requirements file's text (URLs are not files: skipped). */
export function referencesIn(text: string, file: string): RequirementsReference[] {
  const out: RequirementsReference[] = [];
  text.split(/\r?\n/).forEach((lineText, line) => {
    const m = REFERENCE.exec(lineText);
    if (!m || /^[a-z]+:\/\//i.test(m[2]!)) return;
    out.push({ line, before: m[1]!, ref: m[2]!, after: m[3]!, abs: path.resolve(path.dirname(file), m[2]!) });
  });
  return out;
}

/**
 * The requirements file and every file it references, recursively, existing ones only. A file
 * that cannot be read (a fifo, no permission) is listed without its references: hashing it, the
 * planner reports why.
 */
export function requirementsClosure(file: string): string[] {
  return [...readClosure(file).keys()];
}

/** The closure as requirementsClosure finds it, with each file's text (undefined: unreadable), each read once. */
export function readClosure(file: string): Map<string, string | undefined> {
  const seen = new Map<string, string | undefined>();
  const visit = (abs: string): void => {
    if (seen.has(abs) || !existsSync(abs)) return;
    let text: string | undefined;
    try {
      text = readRegularFileSync(abs).toString('utf8');
    } catch {
      text = undefined;
    }
    seen.set(abs, text);
    if (text !== undefined) for (const ref of referencesIn(text, abs)) visit(ref.abs);
  };
  visit(file);
  return seen;
}

/**
 * The name a file of the closure has in the install's key: the top file is 'requirements' (its
 * content, not its path, matters: equal files share one install), the others their path.
 */
export function requirementsRole(abs: string, top: string, manifestDir: string): string {
  return abs === top ? 'requirements' : path.relative(manifestDir, abs).split(path.sep).join('/');
}
