// The Docker engine for tests: required in CI (a test fails without it), skipped loudly elsewhere.
// Tests may use the docker CLI to inspect the engine; juni itself never does.
import { execFileSync, spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

/** Built by test/docker/provision.sh: Debian bookworm minbase with python3, pip and zip. */
export const BASE_IMAGE = process.env.JUNI_TEST_IMAGE ?? 'juni-test/python:bookworm';

let available: boolean | undefined;

/** True when the engine answers and the base image exists; in CI, otherwise the test fails. */
export function requireDocker(t: TestContext): boolean {
  available ??= spawnSync('docker', ['image', 'inspect', BASE_IMAGE], { stdio: 'ignore' }).status === 0;
  if (available) return true;
  const why = `no Docker engine with the image ${BASE_IMAGE} (run: bash test/docker/provision.sh)`;
  if (process.env.CI) throw new Error(`Docker tests are required in CI: ${why}`);
  process.stderr.write(`\n*** SKIPPING Docker test "${t.name}": ${why} ***\n\n`);
  t.skip(why);
  return false;
}

/** Containers juni created for the project in `dir` (it labels every one) that still exist. */
export function leftoverContainers(dir: string): string[] {
  return execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=dev.juni.project=${dir}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

export function removeImage(ref: string): void {
  spawnSync('docker', ['rmi', '-f', ref], { stdio: 'ignore' });
}
