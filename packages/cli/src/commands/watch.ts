// Owns `juni build --watch`: build, then watch exactly the inputs of the selected entries and
// rebuild on each burst of saves (one follow-up if saves arrive mid-build), re-reading the manifest
// when it changes and surviving a broken one. Leaves each build to build.ts.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import {
  cacheDirFor,
  findManifest,
  isOwnOutput,
  ownOutputFiles,
  watchTargets,
  type Manifest,
  type OwnOutput,
} from '@juni/core';
import type { DockerSupportHandle } from '@juni/docker';
import type { BuildArgs } from '../args.js';
import type { Io } from '../io.js';
import { plural } from '../render/format.js';
import { buildOnce, signalExitCode } from './build-once.js';
import { dockerFor, loadForBuild } from './load.js';

/**
 * Editors save in bursts (temp file, rename, chmod): build this long after the last event. It must
 * exceed chokidar's 50 ms throttle of `change` events per file, which drops (never delays) a second
 * event inside that window: with a longer wait, the dropped event's write is done before we read.
 */
const SETTLE_MS = 100;

export function watchCommand(args: BuildArgs, io: Io): Promise<number> {
  return new WatchSession(args, io).run();
}

class WatchSession {
  readonly #args: BuildArgs;
  readonly #io: Io;
  readonly #manifestFile: string;
  #manifest: Manifest | undefined;
  #docker: DockerSupportHandle | undefined;
  #watcher: FSWatcher | undefined;
  #watched = new Set<string>();
  #ignore: string[] = [];
  #isInput: (absPath: string) => boolean = () => true;
  /**
   * The files this process's own output goes to (fixed for its life: a descriptor keeps its file
   * through a rename): builds refuse to pack them, and juni writing its log there is not an edit.
   */
  readonly #ownOutput: OwnOutput[] = ownOutputFiles();
  #pending = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #building: Promise<void> | undefined;
  #abort: AbortController | undefined;
  #stopped = false;
  #finish: (code: number) => void = () => undefined;

  constructor(args: BuildArgs, io: Io) {
    this.#args = args;
    this.#io = io;
    // The file a build would read; until one exists, where juni looks first.
    const found = findManifest({ cwd: io.cwd, file: args.manifest });
    this.#manifestFile = found.ok
      ? found.file
      : found.reason === 'not-found'
        ? found.searched[0]!
        : path.resolve(io.cwd, found.file);
  }

  async run(): Promise<number> {
    // Its warnings are said by the first build, which loads it again at once.
    const loaded = await loadForBuild({ ...this.#args, json: false }, this.#io, { warn: false });
    if (!loaded.ok) {
      // Without a manifest there is nothing to watch; a broken one is watched until it is fixed.
      if (loaded.exitCode === 2 && !this.#manifestExists()) return 2;
    } else {
      this.#manifest = loaded.manifest;
    }
    const done = new Promise<number>((resolve) => (this.#finish = resolve));
    const stop = (signal: NodeJS.Signals): void => void this.#stop(signal);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    this.#watcher = watch([], { ignoreInitial: true, atomic: true, ignored: (p: string) => this.#isIgnored(p) });
    this.#watcher.on('all', (event, file) => {
      const abs = path.resolve(file);
      // chokidar forgets a watched file once it is deleted; watching it again makes it report the
      // file's return (a restore, or a save by delete-and-create).
      if (event === 'unlink' && this.#watched.has(abs)) {
        this.#watcher?.unwatch(abs);
        this.#watcher?.add(abs);
      }
      this.#changed(abs);
    });
    this.#watcher.on('error', (error) => this.#io.stderr(`juni: watch error: ${(error as Error).message}`));
    this.#updateWatchSet();
    await new Promise<void>((resolve) => this.#watcher!.once('ready', () => resolve()));
    this.#io.stderr(`juni: watching ${this.#watched.size} paths; Ctrl-C stops`);
    if (this.#manifest) this.#startBuild([]);
    const code = await done;
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    return code;
  }

  #manifestExists(): boolean {
    return existsSync(this.#manifestFile);
  }

  #isIgnored(file: string): boolean {
    const abs = path.resolve(file);
    return this.#ignore.some((dir) => abs === dir || abs.startsWith(dir + path.sep));
  }

  /** Watches the current manifest's inputs (or only the manifest file while it is broken). */
  #updateWatchSet(): void {
    const next = new Set<string>([this.#manifestFile]);
    if (this.#manifest) {
      const targets = watchTargets(this.#manifest, {
        checks: this.#args.check,
        filter: this.#args.filter,
        cacheDir: cacheDirFor(this.#manifest),
      });
      for (const p of targets.paths) next.add(p);
      this.#ignore = targets.ignore;
      this.#isInput = targets.isInput;
    }
    const added = [...next].filter((p) => !this.#watched.has(p));
    const removed = [...this.#watched].filter((p) => !next.has(p));
    if (added.length) this.#watcher?.add(added);
    if (removed.length) this.#watcher?.unwatch(removed);
    this.#watched = next;
  }

  #changed(file: string): void {
    if (this.#stopped) return;
    // Only an edit to something a build reads starts one: not a file every entry leaves out, and
    // never juni's own log (`juni build --watch > build.log` in an `include: ./` project would
    // otherwise rebuild on every line it writes). The manifest always counts.
    if (file !== this.#manifestFile && (!this.#isInput(file) || isOwnOutput(file, this.#ownOutput))) return;
    this.#pending.add(file);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      // A build in progress picks the pending changes up when it ends: one follow-up, not one per save.
      // The build that ended meanwhile may have taken them already: an empty set builds nothing.
      if (!this.#building && this.#pending.size > 0) this.#startBuild([...this.#pending]);
    }, SETTLE_MS);
  }

  #startBuild(changes: string[]): void {
    clearTimeout(this.#timer);
    this.#pending.clear();
    this.#building = this.#build(changes).finally(() => {
      this.#building = undefined;
      if (this.#pending.size > 0 && !this.#stopped) this.#startBuild([...this.#pending]);
    });
  }

  async #build(changes: string[]): Promise<void> {
    const io = this.#io;
    if (changes.length > 0) {
      const shown = changes
        .slice(0, 3)
        .map((c) => path.relative(io.cwd, c) || c)
        .join(', ');
      io.stderr(`juni: ${plural(changes.length, 'change')} (${shown}${changes.length > 3 ? ', ...' : ''}); rebuilding`);
    }
    // Validated again on every build, not only when the manifest changes: a deleted include or
    // requirements file is then reported at its line in the manifest, like any manifest problem.
    const loaded = await loadForBuild({ ...this.#args, json: false }, io);
    if (!loaded.ok) {
      io.stderr('juni: still watching; fix the problem and save to build again');
      return;
    }
    this.#manifest = loaded.manifest;
    this.#updateWatchSet();
    this.#docker ??= await dockerFor(this.#manifest, { checks: this.#args.check });
    this.#abort = new AbortController();
    try {
      await buildOnce(this.#args, this.#manifest, io, {
        signal: this.#abort.signal,
        docker: this.#docker,
        ownOutput: this.#ownOutput,
      });
    } catch (error) {
      // A bug in one build must not end the session; say so loudly and keep watching.
      io.stderr(`juni: internal error during the build (a bug in juni): ${(error as Error).stack ?? String(error)}`);
    }
  }

  async #stop(signal: NodeJS.Signals): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    const interrupted = this.#building !== undefined;
    this.#abort?.abort();
    // Ctrl-C must end the session: wait for the aborted build and the watcher, but not forever.
    await within(this.#building, 10_000);
    await within(this.#watcher?.close(), 2_000);
    await within(this.#docker?.removeAllContainers(), 10_000);
    this.#io.stderr('juni: stopped watching');
    // Stopping between builds is the normal end of a watch session; during one, the build was cut short.
    this.#finish(interrupted ? signalExitCode(signal) : 0);
  }
}

/** Waits for `work` (ignoring its failure) for at most `ms`. */
async function within(work: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (!work) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
