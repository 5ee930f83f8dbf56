// Owns finding the files a requirements file pulls in (-r / -c), which are inputs of the install.
// Leaves hashing them to the planner.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const REFERENCE = /^\s*(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)/;

/** The requirements file and every file it references, recursively, existing ones only. */
export function requirementsClosure(file: string): string[] {
  const seen = new Set<string>();
  const visit = (abs: string): void => {
    if (seen.has(abs) || !existsSync(abs)) return;
    seen.add(abs);
    for (const line of readFileSync(abs, 'utf8').split(/\r?\n/)) {
      const ref = REFERENCE.exec(line)?.[1];
      if (ref && !/^[a-z]+:\/\//i.test(ref)) visit(path.resolve(path.dirname(abs), ref));
    }
  };
  visit(file);
  return [...seen];
}
