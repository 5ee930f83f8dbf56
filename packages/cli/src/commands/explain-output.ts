// Owns printing explanations, shared by `juni build --dry-run` and `juni why`: the JSON shape
// and one block per node. Leaves finding them to @juni/core.
import type { BuildEvent, NodeExplanation } from '@juni/core';
import type { Io } from '../io.js';
import { describeNote, describeReason } from '../render/reason-words.js';

/** The --json form: reasons as data, notes in words (as they were before notes became data). */
export function explanationsJson(nodes: readonly NodeExplanation[]): string {
  return JSON.stringify(
    {
      nodes: nodes.map(({ kind, name, key, status, reasons, notes }) => ({
        kind,
        name,
        key,
        status,
        reasons,
        notes: notes.map(describeNote),
      })),
    },
    null,
    2,
  );
}

/** The reasons in words, upstream nodes named. */
function reasonLines(node: NodeExplanation): string[] {
  return node.reasons.map((r) => describeReason(r, (role) => node.upstream[role] ?? role));
}

export function printNode(io: Io, node: NodeExplanation, verb: string): void {
  io.stdout(`${node.kind} ${node.name}: ${verb}`);
  for (const line of reasonLines(node)) io.stdout(`  - ${line}`);
}

/**
 * What planning says while it works (waiting for a busy cache, base images not checked), on
 * stderr so --json stays one object: an explanation that waits must say why.
 */
export function warningsTo(io: Io): (event: BuildEvent) => void {
  return (event) => {
    if (event.type === 'warning') io.stderr(`juni: warning: ${event.message}`);
  };
}
