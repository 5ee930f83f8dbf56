// Owns what never goes into a zip: juniper's list, plus the manifest's `exclude` and `keep`.
// Leaves walking files to fs/walk.ts and placing them in the zip to zip/plan.ts.
import picomatch from 'picomatch';

/**
 * juniper's folder exclusions, plus version control folders (whose history may hold anything ever
 * committed, secrets included): any folder with one of these names, at any depth.
 */
const DEFAULT_DIRS = ['__pycache__', '.juni', 'tests', 'features', '*.dist-info', '*.egg-info', '.git', '.hg', '.svn'];
/** juniper's file exclusions. */
const DEFAULT_FILES = ['requirements.txt', 'manifest.yml', 'setup.cfg', '*.pyc', '*.pyo'];

export interface ExclusionRules {
  exclude: readonly string[];
  keep: readonly string[];
  /**
   * Drop files and folders whose name starts with '.' at the top of the walked folder (`.env`,
   * `.git`), as juniper's `cp -r common/*` did for a folder whose contents go to the zip root.
   */
  dropTopLevelDotfiles?: boolean;
}

/** A predicate over '/'-separated relative paths: true when the file goes into the zip. */
export type PathFilter = (relPath: string) => boolean;

/**
 * Builds the filter. Default rules look at every folder name and the file name; `keep` patterns
 * re-admit what a default rule drops. `exclude` patterns without a '/' match any path segment
 * (like .gitignore); with a '/', the path or one of its parent folders.
 */
const opts = { dot: true };
// Compiled once: the same for every entry (immutable, so safe to share).
const isDefaultDir = picomatch(DEFAULT_DIRS, opts);
const isDefaultFile = picomatch(DEFAULT_FILES, opts);

export function makePathFilter(rules: ExclusionRules): PathFilter {
  const keep = rules.keep.length > 0 ? picomatch([...rules.keep], opts) : () => false;
  const segmentExcludes = rules.exclude.filter((p) => !p.includes('/'));
  const pathExcludes = rules.exclude.filter((p) => p.includes('/')).map((p) => p.replace(/^\.\//, ''));
  const isExcludedSegment = segmentExcludes.length > 0 ? picomatch(segmentExcludes, opts) : () => false;
  const isExcludedPath = pathExcludes.length > 0 ? picomatch(pathExcludes, opts) : () => false;
  const memo = new Map<string, boolean>();

  return (relPath) => {
    const cached = memo.get(relPath);
    if (cached !== undefined) return cached;
    const segments = relPath.split('/');
    let ok = true;
    for (let i = 0; i < segments.length && ok; i++) {
      const segment = segments[i]!;
      const prefix = segments.slice(0, i + 1).join('/');
      const isLast = i === segments.length - 1;
      const hiddenAtTop = i === 0 && rules.dropTopLevelDotfiles === true && segment.startsWith('.');
      const defaultDrop = hiddenAtTop || (isLast ? isDefaultFile(segment) : isDefaultDir(segment));
      if (defaultDrop && !keep(segment) && !keep(prefix)) ok = false;
      else if (isExcludedSegment(segment) || isExcludedPath(prefix)) ok = false;
    }
    memo.set(relPath, ok);
    return ok;
  };
}

/**
 * The filter of each folder include of an entry: one whose contents go to the zip root (`./`,
 * prefix '') also leaves out its top-level dotfiles (.env, .git), as juniper did. The planner and
 * --watch use the same one, so a build and a watch agree on what an entry reads.
 */
export function includeFilters(rules: Omit<ExclusionRules, 'dropTopLevelDotfiles'>): (prefix: string) => PathFilter {
  const inFolder = makePathFilter(rules);
  const atRoot = makePathFilter({ ...rules, dropTopLevelDotfiles: true });
  return (prefix) => (prefix === '' ? atRoot : inFolder);
}
