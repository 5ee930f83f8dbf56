// Owns the numbers and names shown to people: durations, sizes, node labels.
// Leaves where they are shown to the renderers.
import type { HandlerRun, NodeRef } from '@juni/core';

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function label(node: Pick<NodeRef, 'kind' | 'name'>): string {
  return `${node.kind} ${node.name}`;
}

/** "1 node", "2 nodes". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** What a check or invoke proved: "app.handler imported in 412ms (Python 3.11.2)", ", ran in 12ms". */
export function handlerWords(run: HandlerRun): string {
  const ran = run.invokeMs === undefined ? '' : `, ran in ${formatDuration(run.invokeMs)}`;
  return `${run.handler} imported in ${formatDuration(run.initMs)}${ran} (Python ${run.python})`;
}
