// Owns what a zip is judged against: the Lambda runtime the manifest targets (`python:`,
// `architecture:`), the libraries it provides and the entry's `runtime_libs:`. Leaves the data to
// lambda-runtimes.ts and the judging to resolve.ts.
import type { Architecture } from '../manifest/types.js';
import { COMMON_LIBRARIES, LOADERS, PYTHON_RUNTIMES, libpythonOf, type LambdaOs } from './lambda-runtimes.js';
import { EM_AARCH64, EM_X86_64 } from './elf.js';

export interface NativeTarget {
  architecture: Architecture;
  /** `python:` of the manifest; without it neither glibc nor extension tags can be judged. */
  python: string | undefined;
  /** The runtime's OS for that Python (its glibc), when `python:` is set. */
  os: LambdaOs | undefined;
  /** Sonames the runtime gives every function: juni's list plus `runtime_libs:`. */
  provided: ReadonlySet<string>;
}

export const MACHINE_OF: Readonly<Record<Architecture, number>> = { x86_64: EM_X86_64, arm64: EM_AARCH64 };

/**
 * The target of one entry. Without `architecture:` it is x86_64, Lambda's default; a Python newer
 * or older than the table gets the nearest runtime's OS.
 */
export function nativeTarget(
  python: string | undefined,
  architecture: Architecture | undefined,
  runtimeLibs: readonly string[],
): NativeTarget {
  const arch = architecture ?? 'x86_64';
  const provided = new Set([...COMMON_LIBRARIES, LOADERS[arch], ...runtimeLibs]);
  if (python !== undefined) provided.add(libpythonOf(python));
  return { architecture: arch, python, os: python === undefined ? undefined : osOf(python), provided };
}

function osOf(python: string): LambdaOs {
  const minor = Number(python.split('.')[1]);
  const known = [...PYTHON_RUNTIMES.keys()].sort((a, b) => a - b);
  const clamped = Math.min(Math.max(minor, known[0]!), known[known.length - 1]!);
  return PYTHON_RUNTIMES.get(clamped)!;
}
