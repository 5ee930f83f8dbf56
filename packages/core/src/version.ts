// Owns the tool version that goes into every cache key (a new version invalidates old results).
// Leaves printing it to the CLI.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The version of @juni/core; part of every node key. */
export const TOOL_VERSION: string = pkg.version;
