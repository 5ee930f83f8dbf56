// Owns what every command does before and around a build: loading the manifest and reporting its
// problems, usage errors, a build that could not start, and Docker support for the manifest.
// Leaves running builds to build-once.ts and the commands themselves to their modules.
import type { DockerSupportHandle } from '@juni/docker';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  describeKind,
  environmentProblems,
  formatDiagnostic,
  loadManifest,
  sortDiagnostics,
  withExecutor,
  type Diagnostic,
  type Manifest,
  type ManifestFileProblem,
  type PrepareFailure,
} from '@juni/core';
import type { BuildArgs } from '../args.js';
import type { Io } from '../io.js';
import { describeCacheProblem } from '../render/cache-words.js';
import { describeInputProblem } from '../render/input-problem-words.js';
import { describeEnvironmentProblem } from '../render/environment-words.js';
import { plural } from '../render/format.js';
import { errorJson } from '../render/json.js';

export type Loaded = { ok: true; manifest: Manifest } | { ok: false; exitCode: number };

/** Loads and validates the manifest, printing every problem and warning; applies --executor. */
export async function loadForBuild(
  args: Pick<BuildArgs, 'manifest' | 'executor' | 'json'>,
  io: Io,
  options: { warn?: boolean } = {},
): Promise<Loaded> {
  const loaded = await loadManifest({ cwd: io.cwd, file: args.manifest });
  if (loaded.ok) {
    // On stderr also with --json: stdout holds only the report, whose `warnings` list them too.
    if (options.warn !== false) {
      for (const w of loaded.manifest.warnings ?? []) io.stderr(`warning: ${formatDiagnostic(w, loaded.source)}\n`);
    }
    return { ok: true, manifest: withExecutor(loaded.manifest, args.executor) };
  }
  if (loaded.reason === 'invalid') {
    printDiagnostics(args, io, {
      diagnostics: loaded.diagnostics,
      sources: new Map([[loaded.file, loaded.source]]),
      file: loaded.file,
    });
  } else {
    const { message, hint } = manifestFileWords(loaded);
    usageError(args, io, message, hint);
  }
  return { ok: false, exitCode: 2 };
}

/** Why the manifest file itself could not be read, in the user's words. */
function manifestFileWords(problem: ManifestFileProblem): { message: string; hint: string } {
  switch (problem.reason) {
    case 'not-found':
      return {
        message: `no manifest found (looked for ${problem.searched.join(', ')})`,
        hint: 'run juni in the folder of your manifest.yml, or pass -m path/to/manifest.yml',
      };
    case 'not-a-file':
      return {
        message: `the manifest ${problem.file} is ${describeKind(problem.kind)}, not a regular file`,
        hint: 'pass -m the manifest file itself: reading a pipe or a device could wait forever, so juni never does',
      };
    case 'unreadable':
      return problem.code === 'EACCES' || problem.code === 'EPERM'
        ? {
            message: `cannot read the manifest ${problem.file}: permission denied (${problem.code})`,
            hint: 'juni needs read access to the file and search (x) access to every folder above it',
          }
        : {
            message: `cannot read the manifest ${problem.file}: ${problem.message}`,
            hint: 'check that the manifest is a readable file',
          };
  }
}

/** Every problem with its place in the manifest and the offending line, then one summary line. */
function printDiagnostics(
  args: Pick<BuildArgs, 'json'>,
  io: Io,
  found: { diagnostics: Diagnostic[]; sources: ReadonlyMap<string, string | undefined>; file: string },
): void {
  const diagnostics = sortDiagnostics(found.diagnostics);
  if (args.json) io.stdout(errorJson({ diagnostics }));
  for (const d of diagnostics) io.stderr(formatDiagnostic(d, found.sources.get(d.file)) + '\n');
  io.stderr(`juni: ${plural(diagnostics.length, 'problem')} in ${found.file}; nothing was built`);
}

/** A usage error says what to do about it: `hint` is required. */
export function usageError(args: Pick<BuildArgs, 'json'>, io: Io, message: string, hint: string): number {
  if (args.json) io.stdout(errorJson({ message }));
  io.stderr(`juni: ${message}\n  hint: ${hint}`);
  return 2;
}

/**
 * Docker support, only for a manifest that uses Docker: no engine is contacted otherwise, and
 * dockerode (with its gRPC stack) is not even loaded, which keeps a no-op build fast.
 */
export async function dockerFor(
  manifest: Manifest,
  options: { checks?: boolean } = {},
): Promise<DockerSupportHandle | undefined> {
  // A check runs every handler in a container, whatever installed its dependencies.
  const uses =
    options.checks === true ||
    [...manifest.functions, ...manifest.layers].some((e) => e.settings.executor === 'docker');
  if (!uses) return undefined;
  const { createDockerSupport } = await import('@juni/docker');
  return createDockerSupport({ project: manifest.dir });
}

/** Reports every malformed environment variable the build depends on; false when there is one. */
export function environmentIsUsable(
  args: Pick<BuildArgs, 'json'> & { remoteCache?: BuildArgs['remoteCache'] },
  io: Io,
): boolean {
  const problems = environmentProblems(process.env, { remoteMode: args.remoteCache }).map(describeEnvironmentProblem);
  if (problems.length === 0) return true;
  // --json promises exactly one object on stdout, however many problems there are.
  if (args.json) io.stdout(errorJson({ message: problems.map((p) => p.message).join('; ') }));
  for (const p of problems) usageError({ json: false }, io, p.message, p.hint);
  return false;
}

/** Why nothing was built, said the same way by build, --dry-run and why. */
export function reportPrepareFailure(args: Pick<BuildArgs, 'json'>, io: Io, failure: PrepareFailure): number {
  switch (failure.reason) {
    case 'no-match':
      usageError(
        args,
        io,
        `no function or layer name contains '${failure.filter}'`,
        `names: ${failure.names.join(', ')}`,
      );
      break;
    case 'cache-unusable':
      usageError(args, io, `cannot use the cache folder ${failure.dir}: ${failure.message}`, failure.hint);
      break;
    case 'cache-busy': {
      // Not a usage error (exit 1): the same command works once the other process is done.
      // Met at the start (nothing built) or while recording the run (zips placed): the message says
      // only what is known.
      const { message, hint } = describeCacheProblem(failure);
      usageError(args, io, message, hint);
      break;
    }
    case 'unsafe-paths': {
      // Core names files by their absolute paths (the manifest, or a requirements file or pip.conf
      // that names a path): show each as the user would type it, quoting its line.
      const shown = (file: string): string => path.relative(io.cwd, file) || file;
      const sources = new Map<string, string | undefined>();
      for (const d of failure.diagnostics) {
        if (sources.has(shown(d.file))) continue;
        let source: string | undefined;
        try {
          source = readFileSync(d.file, 'utf8');
        } catch {
          source = undefined; // only the quoted line is lost
        }
        sources.set(shown(d.file), source);
      }
      printDiagnostics(args, io, {
        diagnostics: failure.diagnostics.map((d) => ({ ...d, file: shown(d.file) })),
        sources,
        file: [...sources.keys()].join(' and '),
      });
      break;
    }
    case 'input-vanished':
      // Not a usage error: a file was deleted (an editor's save) while the build read it.
      if (args.json) io.stdout(errorJson({ message: `${failure.path} disappeared during the build` }));
      io.stderr(
        `juni: ${failure.path} disappeared while the build was reading its inputs; nothing was built\n` +
          '  hint: build again once your edit is saved',
      );
      break;
    case 'input-unreadable':
      usageError(args, io, `cannot read an input (${failure.message}); nothing was built`, failure.hint);
      break;
    case 'input-problem': {
      const words = describeInputProblem(failure.problem, io.cwd);
      usageError(args, io, `${words.message}; nothing was built`, words.hint);
      break;
    }
  }
  return prepareFailureExitCode(failure);
}

export function prepareFailureExitCode(failure: PrepareFailure): number {
  return failure.reason === 'input-vanished' || failure.reason === 'cache-busy' ? 1 : 2;
}
