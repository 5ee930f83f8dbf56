// Owns `juni build`: load the manifest, report its problems, run the build with a renderer, and
// turn the outcome into an exit code (0 built, 1 a node failed, 2 bad usage or manifest).
// Leaves building to @juni/core.
import { formatDiagnostic, loadManifest, runBuild, sortDiagnostics, withExecutor, type Manifest } from '@juni/core';
import type { BuildArgs } from '../args.js';
import { errorJson, reportJson } from '../render/json.js';
import { PlainRenderer } from '../render/plain.js';
import type { Renderer } from '../render/renderer.js';
import { TtyRenderer } from '../render/tty.js';
import type { Io } from '../io.js';

export async function buildCommand(args: BuildArgs, io: Io): Promise<number> {
  const fail = (message: string, hint?: string): number => {
    if (args.json) io.stdout(errorJson({ message }));
    io.stderr(`juni: ${message}${hint ? `\n  hint: ${hint}` : ''}`);
    return 2;
  };
  const loaded = loadManifest({ cwd: io.cwd, file: args.manifest });
  if (!loaded.ok) {
    if (loaded.reason === 'not-found') {
      return fail(`no manifest found (looked for ${loaded.searched.join(', ')})`, 'run juni in the folder of your manifest.yml, or pass -m path/to/manifest.yml');
    }
    const diagnostics = sortDiagnostics(loaded.diagnostics);
    if (args.json) io.stdout(errorJson({ diagnostics }));
    for (const d of diagnostics) io.stderr(formatDiagnostic(d, loaded.source) + '\n');
    io.stderr(`juni: ${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'} in ${loaded.file}; nothing was built`);
    return 2;
  }
  const manifest = withExecutor(loaded.manifest, args.executor);
  const docker = usersOfDocker(manifest, args.filter);
  if (docker.length > 0) {
    return fail(
      `${docker.slice(0, 5).join(', ')}${docker.length > 5 ? ' and others' : ''} use the docker executor (juniper's default), which this version of juni does not include yet`,
      "set 'executor: local' under global: in the manifest, or pass --executor local to install with pip on this machine",
    );
  }

  const renderer: Renderer = args.json || !io.interactive
    ? new PlainRenderer({ write: args.json ? io.stderr : io.stdout, verbose: args.verbose })
    : new TtyRenderer({ write: io.stdout, verbose: args.verbose });
  const abort = new AbortController();
  const stop = (): void => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const outcome = await runBuild({
      manifest, filter: args.filter, concurrency: args.concurrency, force: args.force, skipClean: args.skipClean,
      signal: abort.signal, onEvent: (e) => renderer.onEvent(e),
    });
    if (!outcome.ok && outcome.reason === 'no-match') {
      return fail(`no function or layer name contains '${outcome.filter}'`, `names: ${outcome.names.join(', ')}`);
    }
    await renderer.finish(outcome.report);
    if (args.json) io.stdout(reportJson(outcome.report));
    if (abort.signal.aborted) return 130;
    return outcome.ok ? 0 : 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** Names of the selected entries that need the Docker executor. */
function usersOfDocker(manifest: Manifest, filter: string | undefined): string[] {
  return [...manifest.functions, ...manifest.layers]
    .filter((e) => e.settings.executor === 'docker' && (filter === undefined || e.name.includes(filter)))
    .map((e) => `${e.kind} ${e.name}`);
}
