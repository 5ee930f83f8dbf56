// Owns which local paths named to pip a build container can be given. A container may run on
// another machine (DOCKER_HOST, a CI agent's mounted socket, Docker-in-Docker), so juni copies
// pip's inputs into it instead of mounting folders: the manifest folder's files, at the same
// relative paths (pip's working directory in the container is the manifest folder's copy).
// Leaves finding the paths to pip-paths.ts and sending them to run/pip-inputs.ts.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { readRegularFileSync } from '../fs/read-regular.js';
import { pipPathsInPipConf, pipPathsInRequirements, type PipPath } from './pip-paths.js';
import { readClosure } from './requirements-files.js';

/**
 * Where pip in a container finds a path:
 * - `project`: in the manifest folder, so juni sends it; `to` is relative to pip's working
 *   directory, or absolute when it was written absolute (it is then sent to that same path);
 * - `outside`: written relative, leading out of the manifest folder, and here on this machine:
 *   juni cannot send it (the container's working directory has no parent folders of the project);
 * - `host`: written absolute, outside the project, and on this machine: pip looks for it in the
 *   image (where a wheelhouse may be baked in); an install checks that the image has it;
 * - `absent`: not on this machine: pip looks for it in the image, and says so if it is not there.
 */
export type PipPathPlace =
  { place: 'project'; to: string } | { place: 'outside' } | { place: 'host' } | { place: 'absent' };

export function placeOf(ref: PipPath, manifestDir: string): PipPathPlace {
  const rel = path.relative(manifestDir, ref.abs);
  const inside = rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
  if (!existsSync(ref.abs)) return { place: 'absent' };
  if (inside) return { place: 'project', to: ref.absolute ? ref.abs : rel.split(path.sep).join('/') || '.' };
  return { place: ref.absolute ? 'host' : 'outside' };
}

/** `requirements/base.txt:3:5`, as a user finds it from the manifest folder. */
export function whereNamed(ref: PipPath, manifestDir: string): string {
  return `${path.relative(manifestDir, ref.file) || ref.file}:${ref.line}:${ref.column}`;
}

/** Why an `outside` path cannot be sent, and what to do: one wording for the plan and the install. */
export function outsideWords(ref: PipPath, manifestDir: string): { message: string; hint: string } {
  return {
    message:
      `${ref.text} is outside the manifest folder (${manifestDir}): a Docker build copies pip ` +
      'only the files inside it into the build container, which may run on another machine',
    hint:
      'move it into the project folder (e.g. ./wheels) and name it from there, bake it into the ' +
      'build image (COPY) and name its path in the image, or build this entry with executor: local',
  };
}

/** Why a `host` path fails an install: on this machine, but not in the build image. */
export function notInImageWords(ref: PipPath, image: string): { message: string; hint: string } {
  return {
    message:
      `${ref.text} is on this machine but not in the build image ${image}: a Docker build copies pip ` +
      'only the files inside the manifest folder into the build container, and finds an absolute path in the image',
    hint:
      'move it into the project folder and name it relative to it (e.g. ./wheels), bake it into the ' +
      'build image (COPY), or build this entry with executor: local',
  };
}

/** What a Docker install's inputs name that its container cannot be given. */
export interface UnsendablePaths {
  /** Packages, editables, `file:` indexes and requirement files: pip would fail on them (exit 2). */
  refused: Diagnostic[];
  /**
   * find-links folders: pip ignores a location it cannot find ("Location ... is ignored") and goes
   * on with the index, as it did when the project was mounted, so a build that got its packages
   * elsewhere keeps working; said once as a warning.
   */
  ignored: string[];
}

/**
 * The paths the planned Docker installs (`deps`: requirements file and pip.conf of each) name
 * that no container can be given. Installs built on this machine (executor: local) read them
 * where they are, and entries not selected (-f, --shard) are not planned, so neither is checked.
 */
export function unsendablePipPaths(
  deps: readonly { requirements: string; pipconf: string | undefined }[],
  manifestDir: string,
): UnsendablePaths {
  // Each file once, however many installs share it (an unreadable one: planning says why).
  const texts = new Map<string, string | undefined>();
  for (const d of deps) for (const [file, text] of readClosure(d.requirements)) texts.set(file, text);
  const refs: PipPath[] = [];
  for (const [file, text] of texts)
    if (text !== undefined) refs.push(...pipPathsInRequirements(text, file, manifestDir));
  for (const pipconf of new Set(deps.flatMap((d) => (d.pipconf === undefined ? [] : [d.pipconf])))) {
    let text: string;
    try {
      text = readRegularFileSync(pipconf).toString('utf8');
    } catch {
      continue;
    }
    refs.push(...pipPathsInPipConf(text, pipconf, manifestDir));
  }
  const outside = refs.filter((ref) => placeOf(ref, manifestDir).place === 'outside');
  return {
    refused: outside
      .filter((ref) => ref.kind !== 'find-links')
      .map((ref) => ({ file: ref.file, line: ref.line, column: ref.column, ...outsideWords(ref, manifestDir) })),
    ignored: outside
      .filter((ref) => ref.kind === 'find-links')
      .map(
        (ref) =>
          `${path.relative(manifestDir, ref.file) || ref.file}:${ref.line}: find-links ${ref.text} is outside the ` +
          'manifest folder, so a Docker build does not copy it into the build container and pip ignores it ' +
          '(move it into the project, or bake it into the build image)',
      ),
  };
}
