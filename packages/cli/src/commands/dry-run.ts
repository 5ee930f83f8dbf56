// Owns `juni build --dry-run`: what would rebuild and why, from the input breakdowns stored with
// each result. Leaves the explaining to @juni/core.
import { explainBuild, type Manifest } from '@juni/core';
import type { BuildArgs } from '../args.js';
import type { Io } from '../io.js';
import { explanationsJson, printNode, warningsTo } from './explain-output.js';
import { dockerFor, reportPrepareFailure } from './load.js';

export async function dryRunCommand(args: BuildArgs, manifest: Manifest, io: Io): Promise<number> {
  const outcome = await explainBuild({
    manifest,
    filter: args.filter,
    shard: args.shard,
    force: args.force,
    docker: await dockerFor(manifest, { checks: args.check }),
    checks: args.check ? { mode: 'check' } : undefined,
    onEvent: warningsTo(io),
  });
  if (!outcome.ok) return reportPrepareFailure(args, io, outcome);
  if (args.json) {
    io.stdout(explanationsJson(outcome.nodes));
    return 0;
  }
  const rebuilding = outcome.nodes.filter((n) => n.status === 'would-build');
  for (const node of rebuilding) printNode(io, node, 'would build');
  if (args.verbose) {
    for (const node of outcome.nodes.filter((n) => n.status === 'cached'))
      io.stdout(`${node.kind} ${node.name}: up to date`);
  }
  const upToDate = outcome.nodes.length - rebuilding.length;
  io.stdout(`juni: ${rebuilding.length} would build, ${upToDate} up to date (dry run: nothing was built)`);
  return 0;
}
