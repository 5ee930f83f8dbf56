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
  return execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=dev.juni.project=${dir}`], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}

export function removeImage(ref: string): void {
  spawnSync('docker', ['rmi', '-f', ref], { stdio: 'ignore' });
}

/** A point in the engine's event log; what happened after it is counted by `EngineLog`. */
export class EngineLog {
  #since = EngineLog.#now();

  static #now(): string {
    return (Date.now() / 1000).toFixed(3);
  }

  /** Starts counting afresh. */
  mark(): void {
    this.#since = EngineLog.#now();
  }

  /**
   * What the engine recorded since the mark: installs are pip containers juni started for the
   * project in `dir`; image builds are tags of `tag` (the engine tags once per build, even when
   * every step was cached). The engine's record, not juni's report.
   */
  counts(dir: string, tag: string): { pipRuns: number; imageBuilds: number } {
    return { pipRuns: this.pipRuns(dir), imageBuilds: this.#events(['type=image', 'event=tag', `image=${tag}`]) };
  }

  /** pip containers juni started for the project in `dir` (its manifest folder) since the mark. */
  pipRuns(dir: string): number {
    return this.#events(['type=container', 'event=start', `label=dev.juni.project=${dir}`, 'label=dev.juni.role=pip']);
  }

  #events(filters: string[]): number {
    const until = (Date.now() / 1000 + 0.001).toFixed(3);
    return execFileSync(
      'docker',
      [
        'events',
        '--since',
        this.#since,
        '--until',
        until,
        ...filters.flatMap((f) => ['--filter', f]),
        '--format',
        '{{.Action}}',
      ],
      { encoding: 'utf8' },
    )
      .split('\n')
      .filter(Boolean).length;
  }
}

/** Tags `source` as `tag` (docker tag), as a user re-tagging a base image would. */
export function tagImage(source: string, tag: string): void {
  execFileSync('docker', ['tag', source, tag], { stdio: 'ignore' });
}

/** Builds a one-file variant of `base` tagged `tag` (the classic builder, from a Dockerfile on stdin). */
export function buildVariant(base: string, tag: string, text: string): string {
  execFileSync('docker', ['build', '-q', '-t', tag, '-'], {
    input: `FROM ${base}\nRUN echo '${text}' > /variant.txt\n`,
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  return imageId(tag);
}

export function imageId(ref: string): string {
  return execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', ref], { encoding: 'utf8' }).trim();
}
