// Owns "what would rebuild, and why" (--dry-run, `juni why`): each node's current key against the
// stored results and the run history, with the input breakdowns diffed. Builds nothing.
// Leaves printing to the CLI.
import { ResultStore } from '../cache/results.js';
import type { CacheDatabase } from '../cache/database.js';
import type { GraphNode } from '../graph/nodes.js';
import { describeReason, diffBreakdowns, type ChangeReason } from './explain-diff.js';
import type { NodeKind } from './events.js';
import type { KeyBreakdown } from '../plan/node-key.js';
import type { BuildPlan, PlannedNode } from '../plan/plan.js';
import { preparePlan, withExecutor, type PrepareFailure, type PrepareOptions } from '../session/prepare.js';

export interface NodeExplanation {
  id: string;
  kind: NodeKind;
  name: string;
  key: string;
  /** `cached`: a build now would reuse the stored result; `would-build`: it would run. */
  status: 'cached' | 'would-build';
  /** For would-build: why. For cached: why it was last rebuilt (empty if unknown). */
  reasons: ChangeReason[];
  /** The reasons in words, upstream nodes named. */
  lines: string[];
  /** Facts about the node's key worth knowing, e.g. why an image's whole context counts. */
  notes: string[];
}

export type ExplainOutcome = { ok: true; nodes: NodeExplanation[] } | PrepareFailure;

export interface ExplainOptions extends PrepareOptions {
  executor?: 'local' | 'docker' | undefined;
  force?: boolean | undefined;
}

/** Explains every selected node. Reads the cache (and hashes inputs); writes only the stat cache. */
export async function explainBuild(options: ExplainOptions): Promise<ExplainOutcome> {
  const prepared = await preparePlan({ ...options, manifest: withExecutor(options.manifest, options.executor) });
  if (!prepared.ok) return prepared;
  const { db, plan, manifest } = prepared.prepared;
  try {
    const results = new ResultStore(db);
    const history = new KeyHistory(db, manifest.file);
    const nodes = plan.nodes.map((p) => explainNode(p, plan, results, history, options.force ?? false));
    return { ok: true, nodes };
  } finally {
    prepared.prepared.close();
  }
}

function explainNode(
  p: PlannedNode,
  plan: BuildPlan,
  results: ResultStore,
  history: KeyHistory,
  force: boolean,
): NodeExplanation {
  const { id, kind, name } = p.node;
  const breakdownOf = (key: string): KeyBreakdown | undefined => results.get(key)?.inputs as KeyBreakdown | undefined;
  const keys = history.keys(id);
  let status: NodeExplanation['status'];
  let reasons: ChangeReason[];
  if (!force && results.get(p.key)) {
    status = 'cached';
    // Why was it last rebuilt: the current inputs against those of the key before.
    const previous = keys.find((k) => k !== p.key);
    const before = previous === undefined ? undefined : breakdownOf(previous);
    reasons = before ? diffBreakdowns(before, p.breakdown) : [];
  } else {
    status = 'would-build';
    const last = keys.find((k) => k !== p.key);
    const before = last === undefined ? undefined : breakdownOf(last);
    reasons = force
      ? [{ type: 'forced' }]
      : last === undefined
        ? [{ type: 'never-built' }]
        : before
          ? diffBreakdowns(before, p.breakdown)
          : [{ type: 'inputs-unknown' }];
  }
  const lines = reasons.map((r) => describeReason(r, (role) => upstreamName(p.node, role, plan)));
  return { id, kind, name, key: p.key, status, reasons, lines, notes: notesOf(p) };
}

/** For an image built from a Dockerfile: which context files are in its key, and why. */
function notesOf(p: PlannedNode): string[] {
  if (p.node.kind !== 'image' || p.contextFiles === undefined) return [];
  const context = p.breakdown.config.context;
  const count = p.contextFiles.length;
  if (typeof context === 'string' && context.startsWith('whole: ')) {
    return [`the whole build context (${count} files) is an input, because ${context.slice('whole: '.length)}`];
  }
  if (count === 0) return ['no context file is an input: the Dockerfile copies none'];
  return [
    `${count} context file${count === 1 ? '' : 's'} named by COPY/ADD/RUN --mount ${count === 1 ? 'is an input' : 'are inputs'}; other context files are not`,
  ];
}

/** Names an upstream role of a node's breakdown ('deps', 'image', 'layer:x') by the node it points at. */
function upstreamName(node: GraphNode, role: string, plan: BuildPlan): string {
  const id =
    role === 'deps' && 'depsId' in node
      ? node.depsId
      : role === 'image' && node.kind === 'deps'
        ? node.settings.imageId
        : role === 'image' && 'imageId' in node
          ? node.imageId
          : role;
  const upstream = id === undefined ? undefined : plan.byId.get(id)?.node;
  return upstream ? `${upstream.kind} ${upstream.name}` : role;
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
