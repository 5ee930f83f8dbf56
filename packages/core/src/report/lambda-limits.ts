// Owns Lambda's packaging limits on one function: a zip over 50 MB cannot be uploaded directly
// (warning); more than 5 layers, or over 262,144,000 bytes unzipped with its layers, cannot deploy
// at all (failure, naming the largest contributors). Leaves when they are checked to run/run-node.ts.
import type { ZipOutput } from '../cache/results.js';
import type { FunctionNode } from '../graph/nodes.js';
import type { NodeFailure } from './failures.js';
import { LARGEST_INPUT_BYTES } from '../fs/input-problem.js';

export const DIRECT_UPLOAD_LIMIT = 50 * 1024 * 1024;
/** A function with its layers, unzipped; also the most any one input may be (fs/input-problem.ts). */
export const UNZIPPED_LIMIT = LARGEST_INPUT_BYTES;
export const MAX_LAYERS = 5;

export interface LimitFindings {
  warnings: string[];
  /** Why the zip would not deploy: it must not be placed, and the function fails. */
  failure: NodeFailure | undefined;
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

/**
 * Checks `zip`, the function's zip, with its layers' zips (`layerZip`: as this build produced or
 * reused them; every layer has run before its functions).
 */
export function checkLambdaLimits(
  node: FunctionNode,
  zip: ZipOutput,
  layerZip: (id: string) => ZipOutput | undefined,
): LimitFindings {
  const warnings: string[] = [];
  if (zip.bytes > DIRECT_UPLOAD_LIMIT) {
    warnings.push(
      `${node.name}.zip is ${mb(zip.bytes)}, over Lambda's 50 MB direct upload limit: deploy it through S3`,
    );
  }
  if (node.layerIds.length > MAX_LAYERS) {
    const failure: NodeFailure = {
      reason: 'lambda-limit',
      entry: node.name,
      limit: 'layers',
      layers: node.layerIds.length,
      allowed: MAX_LAYERS,
    };
    return { warnings, failure };
  }
  const parts = [
    { label: node.name, zip },
    ...node.layerIds.map((id) => ({ label: `layer ${id.slice('layer:'.length)}`, zip: layerZip(id) })),
  ];
  const total = parts.reduce((n, p) => n + (p.zip?.unzippedBytes ?? 0), 0);
  if (total <= UNZIPPED_LIMIT) return { warnings, failure: undefined };
  const contributors = parts
    .flatMap((p) =>
      (p.zip?.contributors ?? []).map((c) => ({
        name: p.label === node.name ? c.name : `${p.label}: ${c.name}`,
        bytes: c.bytes,
      })),
    )
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 8);
  return {
    warnings,
    failure: {
      reason: 'lambda-limit',
      entry: node.name,
      limit: 'unzipped',
      bytes: total,
      allowed: UNZIPPED_LIMIT,
      contributors,
    },
  };
}
