// Owns which upstream outputs a build must have in hand: the installs and image files of every
// layer or function whose zip is not cached, and the images an install must run in. Leaves the
// lookups to the cache protocol (cache/cache.ts), so --dry-run sees what a build would.
import type { Cache, CacheLookup, CacheNeed } from '../cache/cache.js';
import { labelOf, type BuildPlan, type PlannedNode } from '../plan/plan.js';

/** How much of each node's stored result this build uses, and the lookups made to find out. */
export class Demand {
  /** Ids of upstream nodes whose output (a pack, lambda files) a node that runs will read. */
  readonly #read: ReadonlySet<string>;
  /** Image node ids an install runs in this build: the image must be on the engine. */
  readonly #onEngine: ReadonlySet<string>;
  /** Zip lookups already made (node id -> answer): each zip is looked up once per build. */
  readonly #found: ReadonlyMap<string, CacheLookup>;

  constructor(parts: {
    read: ReadonlySet<string>;
    onEngine: ReadonlySet<string>;
    found: ReadonlyMap<string, CacheLookup>;
  }) {
    this.#read = parts.read;
    this.#onEngine = parts.onEngine;
    this.#found = parts.found;
  }

  /** The node's cache lookup, with the need this build has of it; a zip's answer is the one found earlier. */
  async lookup(cache: Cache, planned: PlannedNode): Promise<CacheLookup> {
    const found = this.#found.get(planned.node.id);
    if (found) return found;
    return cache.get({
      key: planned.key,
      kind: planned.node.kind,
      label: labelOf(planned),
      need: this.#needOf(planned),
    });
  }

  /** What a cache lookup of this node must prove. */
  #needOf(planned: PlannedNode): CacheNeed {
    const { kind, id } = planned.node;
    if (kind === 'layer' || kind === 'function' || this.#read.has(id)) return 'artifact';
    // An image's result is read for its ID even when its files are not; a check's for its report.
    return kind === 'image' || kind === 'check' ? 'result' : 'record';
  }

  /** Whether an install runs in this image this build. */
  onEngine(imageNodeId: string): boolean {
    return this.#onEngine.has(imageNodeId);
  }
}

const LOOKUPS_AT_ONCE = 8;

/**
 * Looks up every layer and function zip (through the cache, so a remote one is fetched now, eight
 * at a time) and derives what their builds need. A zip found needs neither its install nor its
 * image; a cached build needs no engine at all. With `force`, everything is needed.
 */
export async function findDemand(plan: BuildPlan, cache: Cache, options: { force: boolean }): Promise<Demand> {
  const found = new Map<string, CacheLookup>();
  if (!options.force) {
    const queue = plan.nodes.filter((p) => p.node.kind === 'function' || p.node.kind === 'layer');
    const worker = async (): Promise<void> => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        const query = { key: p.key, kind: p.node.kind, label: labelOf(p), need: 'artifact' as const };
        found.set(p.node.id, await cache.get(query));
      }
    };
    await Promise.all(Array.from({ length: LOOKUPS_AT_ONCE }, worker));
  }
  const read = new Set<string>();
  for (const { node } of plan.nodes) {
    if (node.kind !== 'function' && node.kind !== 'layer') continue;
    if (found.get(node.id)?.state === 'hit') continue;
    if (node.depsId) read.add(node.depsId);
    if (node.imageId) read.add(node.imageId);
  }
  const onEngine = new Set<string>();
  // A zip that bundles native libraries copies them out of its build image: the engine must have it.
  for (const { node } of plan.nodes) {
    if (node.kind !== 'function' && node.kind !== 'layer') continue;
    if (node.imageId && read.has(node.imageId) && node.spec.settings.nativeLibs === 'bundle')
      onEngine.add(node.imageId);
  }
  for (const p of plan.nodes) {
    const imageId = p.node.kind === 'deps' ? p.node.settings.imageId : undefined;
    if (imageId === undefined || !read.has(p.node.id)) continue;
    const stored = options.force
      ? undefined
      : await cache.get({ key: p.key, kind: 'deps', label: labelOf(p), need: 'record' });
    if (stored?.state !== 'hit') onEngine.add(imageId);
  }
  return new Demand({ read, onEngine, found });
}
