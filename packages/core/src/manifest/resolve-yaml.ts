// Owns reading YAML as juniper's parser (PyYAML) does: every alias replaced by the node its anchor
// names, and merge keys (`<<: *base`, `<<: [*a, *b]`) applied with PyYAML's precedence.
// Leaves reading typed values, and what the keys mean, to yaml-reader.ts and validate.ts.
import { isAlias, isMap, isScalar, isSeq, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';

/** A problem with an alias or a merge; worded by the validator. */
export interface AliasProblem {
  node: Node;
  reason: 'merge-not-mapping' | 'alias-cycle';
}

type YPair = Pair<unknown, unknown>;

/**
 * Resolves a parsed document in place, once. Nodes keep their source ranges, so a problem found
 * in aliased or merged content is reported where that content is written. An anchor used twice
 * stays one node object (resolved once), so a document of nested aliases cannot blow up.
 */
export class YamlResolver {
  readonly problems: AliasProblem[] = [];
  /** Anchored nodes some alias refers to. */
  readonly #used = new Set<Node>();
  readonly #doc: Document.Parsed;
  readonly #done = new Set<Node>();
  readonly #busy = new Set<Node>();

  constructor(doc: Document.Parsed) {
    this.#doc = doc;
    visit(doc, {
      Alias: (_key, alias) => {
        const target = alias.resolve(doc);
        if (target) this.#used.add(target);
      },
    });
  }

  /**
   * Whether `node` (aliases not followed) defines an anchor that an alias uses: such a value holds
   * shared definitions, as a top-level `x-defaults: &defaults {...}` does.
   */
  definesUsedAnchor(node: unknown): boolean {
    let found = false;
    if (!isNodeLike(node)) return false;
    visit(node, {
      Node: (_key, n) => {
        if (!this.#used.has(n)) return undefined;
        found = true;
        return visit.BREAK;
      },
    });
    return found;
  }

  /** The node with aliases replaced and merges applied (the same object, changed in place, for collections). */
  resolve(node: unknown): Node | null {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(this.#doc);
      if (target && this.#busy.has(target)) {
        this.problems.push({ node, reason: 'alias-cycle' });
        return null;
      }
      // An anchor that is not defined is a YAML error the parser already reported.
      return target ? this.resolve(target) : null;
    }
    if (!isMap(node) && !isSeq(node)) return node as Node;
    if (this.#done.has(node)) return node;
    this.#busy.add(node);
    if (isSeq(node)) node.items = node.items.map((item) => this.resolve(item));
    else this.#flattenMap(node);
    this.#busy.delete(node);
    this.#done.add(node);
    return node;
  }

  /**
   * PyYAML's flatten_mapping: the pairs of every merged map come first, so the map's own keys
   * override them; in a list of maps the later ones come first, so earlier maps win.
   */
  #flattenMap(map: YAMLMap<unknown, unknown>): void {
    const merged: YPair[] = [];
    const own: YPair[] = [];
    for (const pair of map.items) {
      if (isMergeKey(pair.key)) {
        merged.push(...this.#mergeSource(pair));
        continue;
      }
      pair.key = this.resolve(pair.key);
      pair.value = this.resolve(pair.value);
      own.push(pair);
    }
    if (merged.length > 0 || own.length !== map.items.length) map.items = lastWins([...merged, ...own]);
  }

  /** The pairs `<<` brings in; a problem is placed where the merge is written (the alias, not its anchor). */
  #mergeSource(pair: YPair): YPair[] {
    const written = pair.value as Node | null;
    const writtenItems = isSeq(written) ? [...written.items] : [];
    const cycles = this.problems.length;
    const value = this.resolve(written);
    if (isMap(value)) return [...(value.items as YPair[])];
    if (isSeq(value)) {
      const maps: YPair[][] = [];
      value.items.forEach((item, i) => {
        if (isMap(item)) maps.push(item.items);
        else {
          const at = isSeq(written) ? (writtenItems[i] ?? item ?? value) : written;
          this.problems.push({ node: at as Node, reason: 'merge-not-mapping' });
        }
      });
      return maps.reverse().flat();
    }
    // A cycle is already reported, at its alias.
    if (this.problems.length === cycles)
      this.problems.push({ node: written ?? (pair.key as Node), reason: 'merge-not-mapping' });
    return [];
  }
}

/** A plain `<<` key; with `merge: true` the parser gives it a symbol value. A quoted '<<' is a key like any other. */
function isMergeKey(key: unknown): boolean {
  return isScalar(key) && typeof key.value === 'symbol';
}

/** Like a Python dict built pair by pair: a repeated key keeps its first place and takes the last value. */
function lastWins(pairs: YPair[]): YPair[] {
  const out: YPair[] = [];
  const index = new Map<string, number>();
  for (const pair of pairs) {
    const name = isScalar(pair.key) ? `${typeof pair.key.value}:${String(pair.key.value)}` : undefined;
    const at = name === undefined ? undefined : index.get(name);
    if (at !== undefined) out[at] = pair;
    else {
      if (name !== undefined) index.set(name, out.length);
      out.push(pair);
    }
  }
  return out;
}

function isNodeLike(node: unknown): node is Node {
  return isMap(node) || isSeq(node) || isScalar(node) || isAlias(node);
}
