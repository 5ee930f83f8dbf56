// Owns "what would rebuild, and why" (--dry-run, `juni why`): each node looked up through the
// same cache protocol and demand as a build, with input breakdowns diffed against the run
// history. Builds nothing, drops nothing (planning may still pull a missing image and remember
// image IDs, as a build's does). Leaves wording and printing to the CLI.
import type { CacheDatabase } from '../cache/database.js';
import { LocalCache } from '../cache/local-cache.js';
import { ResultStore } from '../cache/results.js';
import type { GraphNode } from '../graph/nodes.js';
import type { KeyBreakdown } from '../plan/node-key.js';
import type { BuildPlan, PlannedNode } from '../plan/plan.js';
import { findDemand } from '../run/demand.js';
import { preparePlan, type PrepareFailure, type PrepareOptions } from '../session/prepare.js';
import type { NodeKind } from './events.js';
import { diffBreakdowns, type ChangeReason } from './explain-diff.js';

export interface NodeExplanation {
  id: string;
  kind: NodeKind;
  name: string;
  key: string;
  /** `cached`: a build now would reuse the stored result; `would-build`: it would run. */
  status: 'cached' | 'would-build';
  /** For would-build: why. For cached: why it was last rebuilt (empty if unknown). */
  reasons: ChangeReason[];
  /** The upstream node each role in `reasons` (`deps`, `image`, `layer:x`) points at, e.g. `deps requirements.txt`. */
  upstream: Record<string, string>;
  /** Facts about the node's key worth knowing, e.g. why an image's whole context counts. */
  notes: ImageNote[];
}

/** Which context files an image's key holds. */
export type ImageNote =
  { note: 'context-named'; files: number } | { note: 'context-whole'; files: number; because: string };

export type ExplainOutcome = { ok: true; nodes: NodeExplanation[] } | PrepareFailure;

export interface ExplainOptions extends PrepareOptions {
  force?: boolean | undefined;
}

/** Explains every selected node. Reads the cache and hashes inputs; writes only what planning writes. */
export async function explainBuild(options: ExplainOptions): Promise<ExplainOutcome> {
  // An explanation reads: a damaged database is reported, and the next build heals it.
  const prepared = await preparePlan({ ...options, heal: false });
  if (!prepared.ok) return prepared;
  const { db, plan, manifest, artifacts, stats } = prepared.prepared;
  try {
    const results = new ResultStore(db, { dropMalformed: false });
    // The build's own "usable" test, without its repairs: a damaged result is reported, not dropped.
    const cache = new LocalCache({ results, artifacts, stats, dropDamaged: false });
    const force = options.force ?? false;
    const demand = await findDemand(plan, cache, { force });
    const history = new KeyHistory(db, manifest.file);
    const nodes: NodeExplanation[] = [];
    for (const p of plan.nodes) {
      // The lookup a build would make, with the same need (a zip's was made by findDemand already).
      const usable = !force && (await demand.lookup(cache, p)).state === 'hit';
      nodes.push(explainNode(p, plan, { results, history, force, usable }));
    }
    stats.flush();
    return { ok: true, nodes };
  } finally {
    prepared.prepared.close();
  }
}

interface ExplainContext {
  results: ResultStore;
  history: KeyHistory;
  force: boolean;
  /** Whether the cache lookup a build would make finds a usable result. */
  usable: boolean;
}

function explainNode(p: PlannedNode, plan: BuildPlan, ctx: ExplainContext): NodeExplanation {
  const { id, kind, name } = p.node;
  const breakdownOf = (key: string): KeyBreakdown | undefined =>
    ctx.results.get(key)?.inputs as KeyBreakdown | undefined;
  // The key before this one: what the current inputs are compared with.
  const previous = ctx.history.keys(id).find((k) => k !== p.key);
  const before = previous === undefined ? undefined : breakdownOf(previous);
  const diff = before ? diffBreakdowns(before, p.breakdown) : undefined;
  let status: NodeExplanation['status'] = 'would-build';
  let reasons: ChangeReason[];
  if (ctx.force) reasons = [{ type: 'forced' }];
  else if (ctx.usable) {
    status = 'cached';
    reasons = diff ?? [];
  } else if (ctx.results.has(p.key)) reasons = [{ type: 'output-missing' }];
  else if (previous === undefined) reasons = [{ type: 'never-built' }];
  else reasons = diff ?? [{ type: 'inputs-unknown' }];
  return { id, kind, name, key: p.key, status, reasons, upstream: upstreamNames(p.node, plan), notes: notesOf(p) };
}

/** For an image built from a Dockerfile: which context files are in its key, and why. */
function notesOf(p: PlannedNode): ImageNote[] {
  if (p.node.kind !== 'image' || p.contextFiles === undefined) return [];
  const context = p.breakdown.config.context;
  const files = p.contextFiles.length;
  if (typeof context === 'string' && context.startsWith('whole: ')) {
    return [{ note: 'context-whole', files, because: context.slice('whole: '.length) }];
  }
  return [{ note: 'context-named', files }];
}

/** Names the upstream roles of a node's breakdown ('deps', 'image', 'layer:x') by the nodes they point at. */
function upstreamNames(node: GraphNode, plan: BuildPlan): Record<string, string> {
  const roles: Record<string, string | undefined> = {};
  if (node.kind === 'deps') roles.image = node.settings.imageId;
  else if (node.kind === 'layer' || node.kind === 'function') {
    roles.deps = node.depsId;
    roles.image = node.imageId;
    if (node.kind === 'function') for (const id of node.layerIds) roles[id] = id;
  }
  const names: Record<string, string> = {};
  for (const [role, id] of Object.entries(roles)) {
    const upstream = id === undefined ? undefined : plan.byId.get(id)?.node;
    if (upstream) names[role] = `${upstream.kind} ${upstream.name}`;
  }
  return names;
}

/** The keys a node had in past runs of this manifest, newest first. */
class KeyHistory {
  readonly #select;
  readonly #manifest: string;

  constructor(db: CacheDatabase, manifest: string) {
    this.#manifest = manifest;
    this.#select = db.prepare<[string, string], { key: string }>(
      `SELECT n.key FROM run_nodes n JOIN runs r ON r.id = n.run_id
       WHERE r.manifest = ? AND n.node_id = ? AND n.status IN ('built', 'cached') ORDER BY n.run_id DESC LIMIT 100`,
    );
  }

  keys(nodeId: string): string[] {
    return [...new Set(this.#select.all(this.#manifest, nodeId).map((r) => r.key))];
  }
}
