// Owns `juni build --dry-run` and `juni why NAME`: what would rebuild and why, from the input
// breakdowns stored with each result. Leaves the explaining to @juni/core.
import { explainBuild, type Manifest, type NodeExplanation } from '@juni/core';
import type { BuildArgs, WhyArgs } from '../args.js';
import type { Io } from '../io.js';
import { dockerFor, environmentIsUsable, loadForBuild, reportPrepareFailure, usageError } from './load.js';

export async function dryRunCommand(args: BuildArgs, manifest: Manifest, io: Io): Promise<number> {
  const outcome = await explainBuild({
    manifest,
    filter: args.filter,
    executor: args.executor,
    force: args.force,
    docker: await dockerFor(manifest),
  });
  if (!outcome.ok) return reportPrepareFailure(args, io, outcome);
  if (args.json) {
    io.stdout(
      JSON.stringify(
        {
          nodes: outcome.nodes.map(({ kind, name, key, status, reasons, notes }) => ({
            kind,
            name,
            key,
            status,
            reasons,
            notes,
          })),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  const rebuilding = outcome.nodes.filter((n) => n.status === 'would-build');
  for (const node of rebuilding) printNode(io, node, 'would build');
  if (args.verbose)
    for (const node of outcome.nodes.filter((n) => n.status === 'cached'))
      io.stdout(`${node.kind} ${node.name}: up to date`);
  io.stdout(
    `juni: ${rebuilding.length} would build, ${outcome.nodes.length - rebuilding.length} up to date (dry run: nothing was built)`,
  );
  return 0;
}

export async function whyCommand(args: WhyArgs, io: Io): Promise<number> {
  if (!environmentIsUsable(args, io)) return 2;
  const loaded = await loadForBuild(args, io);
  if (!loaded.ok) return loaded.exitCode;
  const { manifest } = loaded;
  const entries = [...manifest.functions, ...manifest.layers].map((e) => e.name);
  if (!entries.includes(args.name))
    return usageError(args, io, `there is no function or layer named '${args.name}'`, `names: ${entries.join(', ')}`);
  const outcome = await explainBuild({
    manifest,
    filter: args.name,
    executor: args.executor,
    docker: await dockerFor(manifest),
  });
  if (!outcome.ok) return reportPrepareFailure(args, io, outcome);
  // The entry first, then what it depends on (whose changes explain an "upstream changed").
  const nodes = [...outcome.nodes].sort((a, b) => Number(b.name === args.name) - Number(a.name === args.name));
  if (args.json) {
    io.stdout(
      JSON.stringify(
        {
          nodes: nodes.map(({ kind, name, key, status, reasons, notes }) => ({
            kind,
            name,
            key,
            status,
            reasons,
            notes,
          })),
        },
        null,
        2,
      ),
    );
    return 0;
  }
  for (const node of nodes) {
    if (node.status === 'would-build') printNode(io, node, 'would rebuild now');
    else if (node.lines.length > 0) printNode(io, node, 'is up to date; it last rebuilt because');
    else io.stdout(`${node.kind} ${node.name}: is up to date (no earlier build to compare with)`);
    for (const note of node.notes) io.stdout(`  (${note})`);
  }
  return 0;
}

function printNode(io: Io, node: NodeExplanation, verb: string): void {
  io.stdout(`${node.kind} ${node.name}: ${verb}`);
  for (const line of node.lines) io.stdout(`  - ${line}`);
}
