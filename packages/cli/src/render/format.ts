// Owns the words and numbers shown to people: durations, sizes, failure details.
// Leaves where they are shown to the renderers.
import { describeFailure, type NodeFailure, type NodeRef } from '@juni/core';

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

/** A failure with everything a user needs to act on it: pip's last lines, a hint. */
export function failureDetails(failure: NodeFailure): string[] {
  const lines = [describeFailure(failure)];
  switch (failure.reason) {
    case 'pip-failed':
    case 'image-build-failed':
      lines.push(...failure.logTail.slice(-20).map((l) => `  | ${l}`));
      break;
    case 'python-missing':
    case 'pip-missing':
    case 'executor-unavailable':
    case 'docker-unreachable':
    case 'image-unavailable':
    case 'io-error':
      lines.push(`  hint: ${failure.hint}`);
      break;
    case 'container-failed':
      break;
    case 'lambda-limit':
      lines.push(...failure.contributors.map((c) => `  ${formatBytes(c.bytes).padStart(10)}  ${c.name}`));
      break;
    case 'unexpected-error':
      lines.push(
        '  this is a bug in juni; please report it with this output:',
        ...(failure.stack ?? '').split('\n').map((l) => `  ${l}`),
      );
      break;
    case 'input-changed':
    case 'aborted':
      break;
  }
  return lines;
}

/** "1 node", "2 nodes". */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
