// Owns the typed events a build emits; the CLI renders them (listr2, plain lines or JSON).
// Leaves rendering to packages/cli: core never prints.
import type { BundledLibrary, HandlerRun } from '../cache/node-output.js';
import type { NodeFailure } from './failures.js';

export type NodeKind = 'image' | 'deps' | 'layer' | 'function' | 'check';

export interface NodeRef {
  id: string;
  kind: NodeKind;
  name: string;
  key: string;
}

export interface OutputFile {
  /** Relative to the manifest folder, '/'-separated. */
  path: string;
  sha256: string;
  bytes: number;
  /** The libraries native_libs: bundle copied into this zip, when it copied any. */
  bundled?: BundledLibrary[];
}

export type BuildEvent =
  | { type: 'build-planned'; nodes: NodeRef[]; filesRead: number }
  | { type: 'node-start'; node: NodeRef }
  | { type: 'cache-hit'; node: NodeRef; cache: 'local' | 'remote'; outputs: OutputFile[]; handler?: HandlerRun }
  | { type: 'node-built'; node: NodeRef; durationMs: number; outputs: OutputFile[]; handler?: HandlerRun }
  | { type: 'node-failed'; node: NodeRef; failure: NodeFailure; durationMs: number }
  | { type: 'node-skipped'; node: NodeRef; because: string }
  | { type: 'log'; node: NodeRef; line: string }
  /** `code` names warnings a script may act on (e.g. `images-unchecked`). */
  | { type: 'warning'; message: string; code?: string; node?: NodeRef };

export type NodeStatus = 'built' | 'cached' | 'failed' | 'skipped';

export interface NodeReport extends Omit<NodeRef, 'id'> {
  id: string;
  status: NodeStatus;
  durationMs: number;
  outputs: OutputFile[];
  cache?: 'local' | 'remote';
  failure?: NodeFailure;
  /** The id of the upstream node whose failure skipped this one. */
  skippedBecause?: string;
  /** A check's or invoke's: how the handler ran (for a cached check, when it last ran). */
  handler?: HandlerRun;
}

export interface BuildWarning {
  code?: string;
  message: string;
}

export interface BuildReport {
  ok: boolean;
  nodes: NodeReport[];
  /** Every warning the build gave, in order (also sent as events while it ran). */
  warnings: BuildWarning[];
  summary: {
    built: number;
    cached: number;
    failed: number;
    skipped: number;
    durationMs: number;
    /** Bytes of zips written to the output folder by this run. */
    bytesWritten: number;
  };
}
