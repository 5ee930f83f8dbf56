// Owns where a project's cache lives: `JUNI_CACHE_DIR`, or `.juni/` beside the manifest.
import path from 'node:path';

export function cacheDirOf(manifestDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.JUNI_CACHE_DIR ? path.resolve(env.JUNI_CACHE_DIR) : path.join(manifestDir, '.juni');
}
