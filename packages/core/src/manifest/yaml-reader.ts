// Owns reading typed values out of a parsed YAML document while recording diagnostics with
// line and column. Leaves the meaning of the keys (the schema) to validate.ts.
import { isMap, isScalar, isSeq, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Diagnostic, SourcePos } from '../diagnostics.js';
import { didYouMean } from './did-you-mean.js';

/** Collects diagnostics for one manifest file; every reader reports through it. */
export class YamlReader {
  readonly diagnostics: Diagnostic[] = [];
  readonly #file: string;
  readonly #lines: LineCounter;

  constructor(options: { file: string; lines: LineCounter }) {
    this.#file = options.file;
    this.#lines = options.lines;
  }

  pos(node: Node | null | undefined): SourcePos {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.#lines.linePos(offset);
    return { line, column: col };
  }

  report(node: Node | null | undefined, message: string, hint?: string): void {
    const { line, column } = this.pos(node);
    this.diagnostics.push({ file: this.#file, line, column, message, ...(hint ? { hint } : {}) });
  }

  reportPos(pos: SourcePos, message: string, hint?: string): void {
    this.diagnostics.push({ file: this.#file, ...pos, message, ...(hint ? { hint } : {}) });
  }

  reportAt(offset: number, message: string, hint?: string): void {
    const { line, col } = this.#lines.linePos(offset);
    this.diagnostics.push({ file: this.#file, line, column: col, message, ...(hint ? { hint } : {}) });
  }

  /** The pairs of a map, or undefined (with a diagnostic) when the node is not a map. */
  map(node: unknown, what: string): YAMLMap<Node, Node | null> | undefined {
    if (node === null || node === undefined) return undefined;
    if (isMap(node)) return node as YAMLMap<Node, Node | null>;
    this.report(
      node as Node,
      `${what} must be a mapping (key: value)`,
      `write it as\n    ${what.split(' ').pop() ?? what}:\n      key: value`,
    );
    return undefined;
  }

  /** Reports every key of `map` that is not in `known`, with a did-you-mean. */
  checkKeys(map: YAMLMap<Node, Node | null>, known: readonly string[], where: string): void {
    for (const pair of map.items) {
      const key = this.keyOf(pair);
      if (key === undefined || known.includes(key)) continue;
      const guess = didYouMean(key, known);
      this.report(
        pair.key,
        `unknown key '${key}' in ${where}`,
        guess ? `did you mean '${guess}'?` : `known keys: ${known.join(', ')}`,
      );
    }
  }

  keyOf(pair: Pair<Node, Node | null>): string | undefined {
    if (isScalar(pair.key)) return String(pair.key.value);
    this.report(pair.key, 'keys must be plain names');
    return undefined;
  }

  /** The key node itself (for problems with a key rather than its value). */
  keyNode(map: YAMLMap<Node, Node | null> | undefined, key: string): Node | undefined {
    return map?.items.find((p) => isScalar(p.key) && String(p.key.value) === key)?.key;
  }

  get(map: YAMLMap<Node, Node | null> | undefined, key: string): Node | null | undefined {
    const pair = map?.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    return pair?.value;
  }

  /** A scalar as text (numbers keep their source spelling, so `3.10` stays "3.10"). */
  string(node: Node | null | undefined, what: string): string | undefined {
    if (node === null || node === undefined) return undefined;
    if (isScalar(node)) {
      const value = node.value;
      const source = (node as { source?: unknown }).source;
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
        return typeof source === 'string' ? source : String(value);
      }
    }
    this.report(node, `${what} must be a string`, `for example: ${what.split('.').pop() ?? what}: ./path`);
    return undefined;
  }

  oneOf<T extends string>(node: Node | null | undefined, what: string, allowed: readonly T[]): T | undefined {
    const value = this.string(node, what);
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    const guess = didYouMean(value, allowed);
    this.report(
      node,
      `${what} must be one of ${allowed.join(', ')}, not '${value}'`,
      guess ? `did you mean '${guess}'?` : undefined,
    );
    return undefined;
  }

  /** A list of strings with the node of each item (for per-item diagnostics). */
  stringList(node: Node | null | undefined, what: string): { value: string; node: Node }[] | undefined {
    if (node === null || node === undefined) return undefined;
    if (!isSeq(node)) {
      this.report(node, `${what} must be a list`, `write it as\n    ${what.split('.').pop() ?? what}:\n      - ./path`);
      return undefined;
    }
    const out: { value: string; node: Node }[] = [];
    for (const item of node.items as (Node | null)[]) {
      const value = this.string(item, `each item of ${what}`);
      if (value !== undefined && item) out.push({ value, node: item });
    }
    return out;
  }

  stringMap(node: Node | null | undefined, what: string): Record<string, string> | undefined {
    const map = this.map(node, what);
    if (!map) return undefined;
    const out: Record<string, string> = {};
    for (const pair of map.items) {
      const key = this.keyOf(pair);
      const value = this.string(pair.value, `${what}.${key ?? '?'}`);
      if (key !== undefined && value !== undefined) out[key] = value;
    }
    return out;
  }
}
