// Owns the --json contract: stdout is exactly one JSON object (DESIGN §7).
// Leaves progress (on stderr) to the other renderers.
import type { BuildReport, Diagnostic } from '@juni/core';
import { describeFailure } from './failure-words.js';

export function reportJson(report: BuildReport, options: { compact?: boolean } = {}): string {
  return JSON.stringify(
    {
      ok: report.ok,
      nodes: report.nodes.map((n) => ({
        kind: n.kind,
        name: n.name,
        status: n.status,
        key: n.key,
        durationMs: n.durationMs,
        outputs: n.outputs,
        ...(n.cache ? { cache: n.cache } : {}),
        ...(n.handler ? { handler: n.handler } : {}),
        // The failure's data, and its words for scripts that only show it.
        ...(n.failure ? { failure: { ...n.failure, message: describeFailure(n.failure) } } : {}),
        ...(n.skippedBecause ? { skippedBecause: n.skippedBecause } : {}),
      })),
      warnings: report.warnings,
      summary: report.summary,
    },
    null,
    options.compact ? undefined : 2,
  );
}

export function errorJson(error: { message?: string; diagnostics?: Diagnostic[] }): string {
  return JSON.stringify({ ok: false, ...error }, null, 2);
}
