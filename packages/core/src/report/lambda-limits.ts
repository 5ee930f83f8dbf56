// Owns Lambda's packaging limits, checked after each build: a function zip over 50 MB cannot be
// uploaded directly (warning); more than 5 layers, or over 262,144,000 bytes unzipped with its
// layers, cannot deploy at all (failure, naming the largest contributors).
// Leaves building the zips to run-package.ts.
import type { StoredResult, ZipOutput } from '../cache/results.js';
import type { BuildReport } from './events.js';
import type { NodeFailure } from './failures.js';
import type { BuildPlan } from '../plan/plan.js';

export const DIRECT_UPLOAD_LIMIT = 50 * 1024 * 1024;
export const UNZIPPED_LIMIT = 262_144_000;
export const MAX_LAYERS = 5;

export interface LimitFindings {
  warnings: string[];
  failures: Map<string, NodeFailure>;
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** `results`: what each node produced or reused this build, by node id. */
export function checkLambdaLimits(
  plan: BuildPlan,
  report: BuildReport,
  results: ReadonlyMap<string, StoredResult>,
): LimitFindings {
  const findings: LimitFindings = { warnings: [], failures: new Map() };
  const byId = new Map(report.nodes.map((n) => [n.id, n]));
  const zipOf = (id: string): ZipOutput | undefined => {
    const node = byId.get(id);
    if (!node || (node.status !== 'built' && node.status !== 'cached')) return undefined;
    const stored = results.get(id)?.output;
    return stored?.type === 'zip' ? stored : undefined;
  };
  for (const planned of plan.nodes) {
    const node = planned.node;
    if (node.kind !== 'function') continue;
    const zip = zipOf(node.id);
    if (!zip) continue;
    if (zip.bytes > DIRECT_UPLOAD_LIMIT) {
      findings.warnings.push(
        `${node.name}.zip is ${mb(zip.bytes)}, over Lambda's 50 MB direct upload limit: deploy it through S3`,
      );
    }
    if (node.layerIds.length > MAX_LAYERS) {
      findings.failures.set(node.id, {
        reason: 'lambda-limit',
        entry: node.name,
        limit: 'layers',
        layers: node.layerIds.length,
        allowed: MAX_LAYERS,
      });
      continue;
    }
    const parts = [
      { label: node.name, zip },
      ...node.layerIds.map((id) => ({ label: `layer ${id.slice('layer:'.length)}`, zip: zipOf(id) })),
    ];
    const total = parts.reduce((n, p) => n + (p.zip?.unzippedBytes ?? 0), 0);
    if (total <= UNZIPPED_LIMIT) continue;
    const contributors = parts
      .flatMap((p) =>
        (p.zip?.contributors ?? []).map((c) => ({
          name: p.label === node.name ? c.name : `${p.label}: ${c.name}`,
          bytes: c.bytes,
        })),
      )
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 8);
    findings.failures.set(node.id, {
      reason: 'lambda-limit',
      entry: node.name,
      limit: 'unzipped',
      bytes: total,
      allowed: UNZIPPED_LIMIT,
      contributors,
    });
  }
  return findings;
}
