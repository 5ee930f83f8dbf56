// Owns the --json contract: stdout is exactly one JSON object (DESIGN §7).
// Leaves progress (on stderr) to the other renderers.
import type { BuildReport, Diagnostic } from '@juni/core';

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
        ...(n.failure ? { failure: n.failure } : {}),
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
