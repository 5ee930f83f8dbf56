// Owns reading typed values out of a parsed YAML document while recording diagnostics with
// line and column. Leaves the meaning of the keys (the schema) to validate.ts.
import { isMap, isScalar, isSeq, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Diagnostic, SourcePos } from '../diagnostics.js';
import { didYouMean } from './did-you-mean.js';
import type { ManifestWarning } from './types.js';

/** Which keys a mapping accepts, and how to word the others. */
export interface KeyPolicy {
  known: readonly string[];
  /** The mapping as messages name it: 'global', 'functions.api', 'the manifest'. */
  where: string;
  /** The hint of a key juniper ignored here; such a key is a warning, not an error. */
  ignoredHint?: (key: string) => string | undefined;
  /** Where an unknown key is read instead ('global'), for its hint. */
  elsewhere?: (key: string) => string | undefined;
  /** Pairs accepted without a word. */
  quiet?: (pair: Pair<Node, Node | null>) => boolean;
}

/** Collects diagnostics for one manifest file; every reader reports through it. */
export class YamlReader {
  readonly diagnostics: Diagnostic[] = [];
  readonly warnings: ManifestWarning[] = [];
  readonly #reported = new Set<string>();
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

  // Every diagnostic says what to do about it: `hint` is required, not optional.
  report(node: Node | null | undefined, message: string, hint: string): void {
    this.reportPos(this.pos(node), message, hint);
  }

  reportAt(offset: number, message: string, hint: string): void {
    const { line, col } = this.#lines.linePos(offset);
    this.reportPos({ line, column: col }, message, hint);
  }

  /**
   * Content shared through an alias or a merge is checked once per user of it; the same problem
   * at the same place is reported once.
   */
  reportPos(pos: SourcePos, message: string, hint: string): void {
    const key = `${pos.line}:${pos.column}:${message}`;
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.diagnostics.push({ file: this.#file, ...pos, message, hint });
  }

  /** The pairs of a map, or undefined (with a diagnostic) when the node is not a map. */
  map(node: unknown, what: string): YAMLMap<Node, Node | null> | undefined {
    if (isEmpty(node)) return undefined;
    if (isMap(node)) return node as YAMLMap<Node, Node | null>;
    this.report(
      node as Node,
      `${what} must be a mapping (key: value)`,
      `write it as\n    ${what.split(' ').pop() ?? what}:\n      key: value`,
    );
    return undefined;
  }

  /**
   * Reports every key of `map` that `policy` does not know: a warning when juniper ignored that key
   * there too (such manifests built with juniper), else an error with a did-you-mean.
   */
  checkKeys(map: YAMLMap<Node, Node | null>, policy: KeyPolicy): void {
    for (const pair of map.items) {
      const key = this.keyOf(pair);
      if (key === undefined || policy.known.includes(key) || policy.quiet?.(pair)) continue;
      const ignored = policy.ignoredHint?.(key);
      const at = policy.where === 'the manifest' ? key : `${policy.where}.${key}`;
      if (ignored !== undefined) {
        this.warn(pair.key, 'juniper-ignored-key', `'${at}' is ignored; juniper ignored it too`, ignored);
        continue;
      }
      const guess = didYouMean(key, policy.known);
      const elsewhere = policy.elsewhere?.(key);
      this.report(
        pair.key,
        `unknown key '${key}' in ${policy.where}`,
        guess
          ? `did you mean '${guess}'?`
          : elsewhere
            ? `'${key}' is read under ${elsewhere}`
            : `known keys: ${policy.known.join(', ')}`,
      );
    }
  }

  warn(node: Node | null | undefined, code: ManifestWarning['code'], message: string, hint: string): void {
    this.warnings.push({ code, file: this.#file, ...this.pos(node), message, hint });
  }

  keyOf(pair: Pair<Node, Node | null>): string | undefined {
    const value = isScalar(pair.key) ? pair.key.value : undefined;
    // A plain name: a string, or a number or boolean as written (`3: ...` is the name '3').
    if (
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean' ||
      typeof value === 'bigint'
    )
      return String(value);
    this.report(
      pair.key,
      'keys must be plain names',
      'write a name before the colon, e.g. api:, not a list, a mapping or nothing',
    );
    return undefined;
  }

  /** The key node itself (for problems with a key rather than its value). */
  keyNode(map: unknown, key: string): Node | undefined {
    return pairOf(map, key)?.key;
  }

  /** The value of `key` in `map`; undefined when `map` is not a mapping or has no such key. */
  get(map: unknown, key: string): Node | null | undefined {
    return pairOf(map, key)?.value;
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
      guess ? `did you mean '${guess}'?` : `for example: ${what.split('.').pop() ?? what}: ${allowed[0] ?? ''}`,
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

function pairOf(map: unknown, key: string): Pair<Node, Node | null> | undefined {
  if (!isMap(map)) return undefined;
  return (map as YAMLMap<Node, Node | null>).items.find((p) => isScalar(p.key) && String(p.key.value) === key);
}

/** Nothing written (`api:`), or `null` / `~`: what PyYAML reads as None. */
export function isEmpty(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}
