// Owns what goes into a node key and the stored breakdown that explains it.
// Leaves gathering the inputs to plan.ts.
import { TOOL_VERSION } from '../version.js';
import { canonicalJson, type Hasher } from '../hash/xxhash.js';

/**
 * Everything a node's output depends on. Stored with each result, so "why did this rebuild" is a
 * diff of two breakdowns. Never holds absolute paths, times or secrets (files appear as hashes).
 */
export interface KeyBreakdown {
  tool: string;
  kind: string;
  config: Record<string, unknown>;
  /** Relative path -> content hash, with ':x' for an exec bit. */
  files: Record<string, string>;
  /** Upstream node (by role) -> its key. */
  upstream: Record<string, string>;
}

export function makeBreakdown(kind: string, parts: Omit<KeyBreakdown, 'tool' | 'kind'>): KeyBreakdown {
  return { tool: TOOL_VERSION, kind, ...parts };
}

export function keyOf(hasher: Hasher, breakdown: KeyBreakdown): string {
  return hasher.string(canonicalJson(breakdown));
}
