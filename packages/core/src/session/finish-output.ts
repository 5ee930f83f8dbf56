// Owns the output folder's state after a build: of the zips juni placed there, only this run's
// remain (unless skipClean); every other file there is the user's and stays.
// Leaves placing and recording zips to output-folder.ts.
import type { BuildEvent, BuildReport } from '../report/events.js';
import type { OutputFolder } from './output-folder.js';

export async function finishOutput(
  output: OutputFolder,
  report: BuildReport,
  options: { skipClean: boolean; emit: (event: BuildEvent) => void },
): Promise<void> {
  const keep = new Set<string>();
  for (const n of report.nodes) {
    if (n.kind !== 'function' && n.kind !== 'layer') continue;
    if (n.status === 'built' || n.status === 'cached') keep.add(`${n.name}.zip`);
    // A stale zip beside fresh ones would look like a successful build of this entry.
    else if (!options.skipClean) await output.remove(n.name);
  }
  for (const name of await output.clean(keep, { onlyTemp: options.skipClean })) {
    options.emit({ type: 'warning', message: `removed ${name} from the output folder (not produced by this build)` });
  }
}
