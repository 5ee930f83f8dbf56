// Owns comparing two key breakdowns: the reasons a node's key changed, as data.
// Leaves finding the breakdowns to explain.ts and the wording to the CLI.
import type { KeyBreakdown } from '../plan/node-key.js';

export type ChangeReason =
  | { type: 'never-built' }
  | { type: 'forced' }
  | { type: 'file-added' | 'file-removed' | 'file-modified' | 'mode-changed'; path: string }
  | { type: 'config-changed'; setting: string; from: unknown; to: unknown }
  /** An image a Dockerfile starts from now has another ID (re-tagged, rebuilt or re-pulled). */
  | { type: 'base-image-changed'; ref: string; from: string | null; to: string | null }
  | { type: 'upstream-changed'; upstream: string }
  | { type: 'tool-changed'; from: string; to: string }
  | { type: 'inputs-unknown' }
  /** The key is unchanged, but the stored output (zip, install, lambda files) is gone or damaged. */
  | { type: 'output-missing' };

/** Why `current` differs from `previous`, file by file and setting by setting. */
export function diffBreakdowns(previous: KeyBreakdown, current: KeyBreakdown): ChangeReason[] {
  const reasons: ChangeReason[] = [];
  if (previous.tool !== current.tool) reasons.push({ type: 'tool-changed', from: previous.tool, to: current.tool });
  for (const [file, hash] of Object.entries(current.files)) {
    // Own properties only: a file may be named `constructor` or `__proto__`.
    const before = own(previous.files, file);
    if (before === undefined) reasons.push({ type: 'file-added', path: file });
    else if (before.split(':')[0] !== hash.split(':')[0]) reasons.push({ type: 'file-modified', path: file });
    else if (before !== hash) reasons.push({ type: 'mode-changed', path: file });
  }
  for (const file of Object.keys(previous.files))
    if (own(current.files, file) === undefined) reasons.push({ type: 'file-removed', path: file });
  const settings = new Set([...Object.keys(previous.config), ...Object.keys(current.config)]);
  for (const setting of [...settings].sort()) {
    const from = own(previous.config, setting) ?? null;
    const to = own(current.config, setting) ?? null;
    if (setting === 'bases' && isIdMap(from) && isIdMap(to)) reasons.push(...baseChanges(from, to));
    else if (JSON.stringify(from) !== JSON.stringify(to)) reasons.push({ type: 'config-changed', setting, from, to });
  }
  const roles = new Set([...Object.keys(previous.upstream), ...Object.keys(current.upstream)]);
  for (const role of [...roles].sort()) {
    if (own(previous.upstream, role) !== own(current.upstream, role))
      reasons.push({ type: 'upstream-changed', upstream: role });
  }
  return reasons;
}

function isIdMap(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function baseChanges(from: Record<string, string>, to: Record<string, string>): ChangeReason[] {
  const refs = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  return refs
    .filter((ref) => own(from, ref) !== own(to, ref))
    .map((ref) => ({ type: 'base-image-changed', ref, from: own(from, ref) ?? null, to: own(to, ref) ?? null }));
}

function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
