// Owns `juni build`: load the manifest, report its problems, run the build with a renderer, and
// turn the outcome into an exit code (0 built, 1 a node failed, 2 bad usage or manifest).
// Leaves building to @juni/core.
import { createDockerSupport } from '@juni/docker';
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
  // Only a manifest that uses Docker talks to the engine.
  const docker = usesDocker(manifest) ? createDockerSupport() : undefined;

  const renderer: Renderer = args.json || !io.interactive
    ? new PlainRenderer({ write: args.json ? io.stderr : io.stdout, verbose: args.verbose })
    : new TtyRenderer({ write: io.stdout, verbose: args.verbose });
  const abort = new AbortController();
  const stop = (): void => {
    abort.abort();
    void docker?.removeAllContainers();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const outcome = await runBuild({
      manifest, filter: args.filter, concurrency: args.concurrency, force: args.force, skipClean: args.skipClean,
      signal: abort.signal, onEvent: (e) => renderer.onEvent(e), docker,
    });
    if (!outcome.ok && outcome.reason === 'no-match') {
      return fail(`no function or layer name contains '${outcome.filter}'`, `names: ${outcome.names.join(', ')}`);
    }
    await renderer.finish(outcome.report);
    if (args.json) io.stdout(reportJson(outcome.report));
    if (abort.signal.aborted) return 130;
    return outcome.ok ? 0 : 1;
  } finally {
    await docker?.removeAllContainers();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function usesDocker(manifest: Manifest): boolean {
  return [...manifest.functions, ...manifest.layers].some((e) => e.settings.executor === 'docker');
}
