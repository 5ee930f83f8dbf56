// Owns reading pip's installation report (`pip install --dry-run --report`): the exact
// distributions a requirement set resolves to. Leaves running pip to the executors and
// installing what it names to wheel-install.ts.
import { fileURLToPath } from 'node:url';

/** One distribution pip would install, as its report names it. */
export interface ResolvedDistribution {
  name: string;
  version: string;
  /** Where pip found it (a `file:` URL for a find-links folder or a local path). */
  url: string;
  /** The file's sha256, as pip computed it (hex), when it reported one. */
  sha256: string | undefined;
  /** Named by the requirement set itself (pip writes REQUESTED for it), not only needed by another. */
  requested: boolean;
  /** A direct reference (a path or URL in the requirements): pip records it in direct_url.json. */
  direct: boolean;
  /** The wheel on this machine, when `url` is a local `.whl` file. */
  wheelFile: string | undefined;
}

export type ParsedReport = { ok: true; distributions: ResolvedDistribution[] } | { ok: false; message: string };

/** The report's `install` list, checked field by field: anything unexpected is a message, not a throw. */
export function parsePipReport(text: string): ParsedReport {
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch {
    return { ok: false, message: 'pip wrote a report that is not JSON' };
  }
  const install = (report as { install?: unknown } | null)?.install;
  if (!Array.isArray(install)) return { ok: false, message: 'pip wrote a report without an install list' };
  const distributions: ResolvedDistribution[] = [];
  for (const item of install) {
    const parsed = parseItem(item);
    if (typeof parsed === 'string') return { ok: false, message: parsed };
    distributions.push(parsed);
  }
  return { ok: true, distributions };
}

function parseItem(item: unknown): ResolvedDistribution | string {
  const i = item as {
    metadata?: { name?: unknown; version?: unknown };
    download_info?: { url?: unknown; archive_info?: { hash?: unknown; hashes?: { sha256?: unknown } } };
    requested?: unknown;
    is_direct?: unknown;
  } | null;
  const name = i?.metadata?.name;
  const version = i?.metadata?.version;
  const url = i?.download_info?.url;
  if (typeof name !== 'string' || typeof version !== 'string' || typeof url !== 'string')
    return 'pip wrote a report entry without a name, version or URL';
  return {
    name,
    version,
    url,
    sha256: sha256Of(i?.download_info?.archive_info),
    requested: i?.requested === true,
    direct: i?.is_direct === true,
    wheelFile: localWheel(url),
  };
}

function sha256Of(info: { hash?: unknown; hashes?: { sha256?: unknown } } | undefined): string | undefined {
  const listed = info?.hashes?.sha256;
  if (typeof listed === 'string') return listed;
  const legacy = info?.hash;
  return typeof legacy === 'string' && legacy.startsWith('sha256=') ? legacy.slice('sha256='.length) : undefined;
}

function localWheel(url: string): string | undefined {
  if (!url.startsWith('file:') || !url.endsWith('.whl')) return undefined;
  try {
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}
