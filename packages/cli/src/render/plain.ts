// Owns line-based progress for CI logs and pipes (one line per state change, no cursor tricks).
// Leaves the interactive view to tty.ts.
import type { BuildEvent, BuildReport } from '@juni/core';
import { failureDetails } from './failure-words.js';
import { formatBytes, formatDuration, handlerWords, label, plural } from './format.js';
import type { Renderer } from './renderer.js';

export class PlainRenderer implements Renderer {
  readonly #write: (line: string) => void;
  readonly #verbose: boolean;

  constructor(options: { write: (line: string) => void; verbose: boolean }) {
    this.#write = options.write;
    this.#verbose = options.verbose;
  }

  onEvent(event: BuildEvent): void {
    const w = this.#write;
    switch (event.type) {
      case 'build-planned':
        w(`juni: ${plural(event.nodes.length, 'node')} planned (${plural(event.filesRead, 'file')} read)`);
        break;
      case 'node-start':
        w(`  ... ${label(event.node)}`);
        break;
      case 'cache-hit':
        if (this.#verbose || event.cache === 'remote')
          w(`  ok  ${label(event.node)} (${event.cache === 'remote' ? 'from the remote cache' : 'cached'})`);
        break;
      case 'node-built':
        if (event.handler) {
          w(`  ok  ${label(event.node)} passed in ${formatDuration(event.durationMs)}: ${handlerWords(event.handler)}`);
          break;
        }
        w(
          `  ok  ${label(event.node)} built in ${formatDuration(event.durationMs)}` +
            event.outputs.map((o) => ` -> ${o.path} (${formatBytes(o.bytes)})`).join(''),
        );
        break;
      case 'node-failed':
        w(`  ERR ${label(event.node)} failed after ${formatDuration(event.durationMs)}`);
        for (const line of failureDetails(event.failure, event.node.kind)) w(`      ${line}`);
        break;
      case 'node-skipped':
        w(`  --  ${label(event.node)} skipped: ${event.because} did not build`);
        break;
      case 'log':
        if (this.#verbose) w(`      [${event.node.name}] ${event.line}`);
        break;
      case 'warning':
        w(`  warning: ${event.message}`);
        break;
    }
  }

  finish(report: BuildReport): Promise<void> {
    this.#write(summaryLine(report));
    return Promise.resolve();
  }
}

export function summaryLine(report: BuildReport): string {
  const s = report.summary;
  const parts = [`${s.built} built`, `${s.cached} cached`];
  if (s.failed) parts.push(`${s.failed} failed`);
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  return `juni: ${parts.join(', ')} in ${formatDuration(s.durationMs)}; ${formatBytes(s.bytesWritten)} written`;
}
