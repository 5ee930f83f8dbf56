// Owns the interactive terminal view: one listr2 task per node (queued, running, cached, built,
// failed, skipped, with times), driven by build events. Leaves CI logs and pipes to plain.ts.
import { Listr } from 'listr2';
import type { BuildEvent, BuildReport, NodeRef } from '@juni/core';
import { failureDetails } from './failure-words.js';
import { formatBytes, formatDuration, handlerWords, label } from './format.js';
import { PlainRenderer, summaryLine } from './plain.js';
import type { Renderer } from './renderer.js';

type Settle =
  { state: 'done'; title: string } | { state: 'skipped'; title: string } | { state: 'failed'; message: string };

/** Past this many nodes a task per node is noise: progress falls back to plain lines. */
const MAX_LISTED = 40;

export class TtyRenderer implements Renderer {
  readonly #settlers = new Map<string, (s: Settle) => void>();
  readonly #pending = new Map<string, Settle>();
  readonly #titles = new Map<string, (title: string) => void>();
  readonly #write: (line: string) => void;
  readonly #plain: PlainRenderer;
  #usePlain = false;
  #list: Promise<unknown> = Promise.resolve();

  constructor(options: { write: (line: string) => void; verbose: boolean }) {
    this.#write = options.write;
    this.#plain = new PlainRenderer(options);
  }

  onEvent(event: BuildEvent): void {
    if (event.type === 'build-planned') this.#usePlain = event.nodes.length > MAX_LISTED;
    if (this.#usePlain) {
      this.#plain.onEvent(event);
      return;
    }
    switch (event.type) {
      case 'build-planned':
        this.#start(event.nodes);
        break;
      case 'node-start':
        this.#titles.get(event.node.id)?.(`${label(event.node)} running`);
        break;
      case 'cache-hit':
        this.#settle(event.node, {
          state: 'done',
          title: `${label(event.node)} ${event.cache === 'remote' ? 'from the remote cache' : 'cached'}`,
        });
        break;
      case 'node-built':
        this.#settle(event.node, {
          state: 'done',
          title: event.handler
            ? `${label(event.node)} passed in ${formatDuration(event.durationMs)}: ${handlerWords(event.handler)}`
            : `${label(event.node)} built in ${formatDuration(event.durationMs)}` +
              event.outputs.map((o) => ` (${formatBytes(o.bytes)})`).join(''),
        });
        break;
      case 'node-failed':
        this.#settle(event.node, {
          state: 'failed',
          message: `${label(event.node)}: ${failureDetails(event.failure, event.node.kind).join('\n')}`,
        });
        break;
      case 'node-skipped':
        this.#settle(event.node, {
          state: 'skipped',
          title: `${label(event.node)} skipped (${event.because} did not build)`,
        });
        break;
      case 'log':
        break;
      case 'warning':
        this.#write(`warning: ${event.message}`);
        break;
    }
  }

  async finish(report: BuildReport): Promise<void> {
    await this.#list;
    this.#write(summaryLine(report));
  }

  #settle(node: NodeRef, settle: Settle): void {
    const resolve = this.#settlers.get(node.id);
    if (resolve) resolve(settle);
    else this.#pending.set(node.id, settle);
  }

  #start(nodes: NodeRef[]): void {
    const list = new Listr(
      nodes.map((node) => ({
        title: `${label(node)} queued`,
        task: async (_ctx, task) => {
          this.#titles.set(node.id, (title) => (task.title = title));
          const settle =
            this.#pending.get(node.id) ??
            (await new Promise<Settle>((resolve) => this.#settlers.set(node.id, resolve)));
          if (settle.state === 'failed') throw new Error(settle.message);
          if (settle.state === 'skipped') task.skip(settle.title);
          else task.title = settle.title;
        },
      })),
      {
        renderer: 'default',
        concurrent: true,
        exitOnError: false,
        registerSignalListeners: false,
        rendererOptions: { collapseErrors: false },
      },
    );
    this.#list = list.run().catch(() => undefined);
  }
}
