// Owns `juni invoke NAME [--event FILE|-]`: build NAME (into the cache, with what it needs), call
// its handler once in its runtime image, and print what it returned on stdout; progress and the
// function's own output go to stderr. Exit 1 with the traceback when the handler raises.
// Leaves the build to @juni/core and the container to @juni/docker.
import { statSync } from 'node:fs';
import path from 'node:path';
import { didYouMean, ownOutputFiles, readRegularFileSync, type BuildEvent, type BuildReport } from '@juni/core';
import type { InvokeArgs } from '../args.js';
import type { Io } from '../io.js';
import { PlainRenderer } from '../render/plain.js';
import type { Renderer } from '../render/renderer.js';
import { buildOnce, signalExitCode, untilStopped } from './build-once.js';
import { dockerFor, environmentIsUsable, loadForBuild, prepareFailureExitCode, usageError } from './load.js';

/** Lambda's limit on a synchronous invocation's payload. */
const MAX_EVENT_BYTES = 6 * 1024 * 1024;

export async function invokeCommand(args: InvokeArgs, io: Io): Promise<number> {
  if (!environmentIsUsable(args, io)) return 2;
  const loaded = await loadForBuild(args, io);
  if (!loaded.ok) return loaded.exitCode;
  const manifest = loaded.manifest;
  const names = manifest.functions.map((f) => f.name);
  if (!names.includes(args.name)) {
    const guess = didYouMean(args.name, names);
    return usageError(
      args,
      io,
      `there is no function named '${args.name}' in ${manifest.file}`,
      guess ? `did you mean '${guess}'?` : `its functions: ${names.join(', ') || 'none'}`,
    );
  }
  const event = await readEvent(args.event, io);
  if (!event.ok) return usageError(args, io, event.message, event.hint);

  const docker = await dockerFor(manifest, { checks: true });
  const { value: outcome, stoppedBy } = await untilStopped(docker, (signal) =>
    buildOnce(args, manifest, io, {
      signal,
      docker,
      ownOutput: ownOutputFiles(),
      renderer: new InvokeRenderer(io, args.verbose),
      checks: { mode: 'invoke', name: args.name, event: event.text },
    }),
  );
  if (stoppedBy) return signalExitCode(stoppedBy);
  if (!outcome.ok && outcome.reason !== 'build-failed') return prepareFailureExitCode(outcome);
  const invoked = outcome.report.nodes.find((n) => n.kind === 'check');
  if (invoked?.status !== 'built' || invoked.handler?.result === undefined) return 1;
  io.stdout(invoked.handler.result);
  return 0;
}

type EventText = { ok: true; text: string } | { ok: false; message: string; hint: string };

/** The event's JSON text: `{}` when none is given, stdin for `-`, else a regular file. */
async function readEvent(from: string | undefined, io: Io): Promise<EventText> {
  if (from === undefined) return { ok: true, text: '{}' };
  const where = from === '-' ? 'stdin' : from;
  let bytes: Buffer;
  try {
    if (from === '-') {
      if (process.stdin.isTTY) io.stderr('juni: reading the event from stdin (end it with Ctrl-D)');
      bytes = await readStdin();
    } else {
      const file = path.resolve(io.cwd, from);
      // Looked at before a byte is read: a fifo could block, and a mistaken file could be gigabytes.
      const stat = statSync(file);
      if (!stat.isFile()) return unreadable(where, stat.isDirectory() ? 'it is a folder' : 'it is not a regular file');
      if (stat.size > MAX_EVENT_BYTES) return tooLarge(where, stat.size);
      bytes = readRegularFileSync(file);
    }
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { problem?: unknown };
    const why = e.code === 'ENOENT' ? 'no such file' : e.problem !== undefined ? 'it is not a regular file' : e.message;
    return unreadable(where, why);
  }
  if (bytes.length > MAX_EVENT_BYTES) return tooLarge(where, bytes.length);
  const text = bytes.toString('utf8');
  try {
    JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      message: `the event in ${where} is not JSON: ${(error as Error).message}`,
      hint: 'an event is one JSON value, e.g. {"name": "world"}',
    };
  }
  return { ok: true, text };
}

function unreadable(where: string, why: string): EventText {
  return {
    ok: false,
    message: `cannot read the event from ${where}: ${why}`,
    hint: '--event takes a JSON file, or - to read it from stdin',
  };
}

function tooLarge(where: string, bytes: number): EventText {
  return {
    ok: false,
    message: `the event in ${where} is ${bytes} bytes; Lambda takes at most ${MAX_EVENT_BYTES} in one invocation`,
    hint: 'invoke with a smaller event',
  };
}

/** stdin to its end, or just past Lambda's limit (the caller refuses that). */
async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    bytes += chunk.length;
    if (bytes > MAX_EVENT_BYTES) break;
  }
  return Buffer.concat(chunks);
}

/**
 * Progress on stderr as plain lines, and the function's own output as it printed it: stdout is
 * the handler's result alone, so `juni invoke api | jq` works.
 */
class InvokeRenderer implements Renderer {
  readonly #io: Io;
  readonly #plain: PlainRenderer;

  constructor(io: Io, verbose: boolean) {
    this.#io = io;
    this.#plain = new PlainRenderer({ write: io.stderr, verbose });
  }

  onEvent(event: BuildEvent): void {
    if (event.type === 'log' && event.node.kind === 'check') this.#io.stderr(event.line);
    else this.#plain.onEvent(event);
  }

  finish(report: BuildReport): Promise<void> {
    return this.#plain.finish(report);
  }
}
