// Owns which local paths named to pip a build container can be given. A container may run on
// another machine (DOCKER_HOST, a CI agent's mounted socket, Docker-in-Docker), so juni copies
// pip's inputs into it instead of mounting folders: the manifest folder's files, at the same
// relative paths (pip's working directory in the container is the manifest folder's copy).
// Leaves finding the paths to pip-paths.ts and sending them to run/pip-inputs.ts.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import type { Manifest } from '../manifest/types.js';
import { readRegularFileSync } from '../fs/read-regular.js';
import { pipPathsInPipConf, pipPathsInRequirements, type PipPath } from './pip-paths.js';
import { requirementsClosure } from './requirements-files.js';

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
  const inside = rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  if (!existsSync(ref.abs)) return { place: 'absent' };
  if (inside) return { place: 'project', to: ref.absolute ? ref.abs : rel.split(path.sep).join('/') || '.' };
  return { place: ref.absolute ? 'host' : 'outside' };
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

/**
 * The paths Docker-built entries name that no container can be given, as diagnostics in the file
 * that names them (exit 2 before anything is built). Entries built on this machine (executor:
 * local) read them where they are, so they are not checked.
 */
export function unsendablePipPaths(manifest: Manifest): Diagnostic[] {
  const docker = [...manifest.functions, ...manifest.layers].filter(
    (e) => e.requirements !== undefined && e.settings.executor !== 'local',
  );
  if (docker.length === 0) return [];
  const refs: PipPath[] = [];
  const read = (file: string): string | undefined => {
    try {
      return readRegularFileSync(file).toString('utf8');
    } catch {
      return undefined; // planning reports a file it cannot read, by name
    }
  };
  const files = new Set(docker.flatMap((e) => requirementsClosure(e.requirements!)));
  for (const file of files) {
    const text = read(file);
    if (text !== undefined) refs.push(...pipPathsInRequirements(text, file, manifest.dir));
  }
  const pipconf = manifest.pipconf === undefined ? undefined : read(manifest.pipconf);
  if (pipconf !== undefined) refs.push(...pipPathsInPipConf(pipconf, manifest.pipconf!, manifest.dir));
  return refs
    .filter((ref) => placeOf(ref, manifest.dir).place === 'outside')
    .map((ref) => ({ file: ref.file, line: ref.line, column: ref.column, ...outsideWords(ref, manifest.dir) }));
}
