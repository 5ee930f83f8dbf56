// Owns `juni why NAME`: whether an entry would rebuild now and why, or why it last rebuilt, with
// what it depends on. Leaves the explaining to @juni/core.
import { explainBuild } from '@juni/core';
import type { WhyArgs } from '../args.js';
import type { Io } from '../io.js';
import { describeNote } from '../render/reason-words.js';
import { explanationsJson, printNode, warningsTo } from './explain-output.js';
import { dockerFor, environmentIsUsable, loadForBuild, reportPrepareFailure, usageError } from './load.js';

export async function whyCommand(args: WhyArgs, io: Io): Promise<number> {
  if (!environmentIsUsable(args, io)) return 2;
  const loaded = await loadForBuild(args, io);
  if (!loaded.ok) return loaded.exitCode;
  const { manifest } = loaded;
  const entries = [...manifest.functions, ...manifest.layers].map((e) => e.name);
  if (!entries.includes(args.name)) {
    return usageError(args, io, `there is no function or layer named '${args.name}'`, `names: ${entries.join(', ')}`);
  }
  const docker = await dockerFor(manifest);
  // loadForBuild has applied --executor to the manifest.
  // --force: why each node would rebuild under `juni build --force`.
  const outcome = await explainBuild({
    manifest,
    filter: args.name,
    docker,
    force: args.force,
    onEvent: warningsTo(io),
  });
  if (!outcome.ok) return reportPrepareFailure(args, io, outcome);
  // The entry first, then what it depends on (whose changes explain an "upstream changed").
  const nodes = [...outcome.nodes].sort((a, b) => Number(b.name === args.name) - Number(a.name === args.name));
  if (args.json) {
    io.stdout(explanationsJson(nodes));
    return 0;
  }
  for (const node of nodes) {
    if (node.status === 'would-build') printNode(io, node, 'would rebuild now');
    else if (node.reasons.length > 0) printNode(io, node, 'is up to date; it last rebuilt because');
    else io.stdout(`${node.kind} ${node.name}: is up to date (no earlier build to compare with)`);
    for (const note of node.notes) io.stdout(`  (${describeNote(note)})`);
  }
  return 0;
}
