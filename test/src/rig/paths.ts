// Where the repository and the built `juni` are, from the compiled test file's location.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** test/dist/rig/paths.js -> the repository root. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const JUNI = path.join(REPO, 'packages', 'cli', 'bin', 'juni.js');
