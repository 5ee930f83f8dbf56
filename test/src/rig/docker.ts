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

  /** Every container juni created for the project in `dir` since the mark, whatever its role. */
  containersCreated(dir: string): number {
    return this.#events(['type=container', 'event=create', `label=dev.juni.project=${dir}`]);
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

/** Containers on the engine carrying every one of `labels` (`key` or `key=value`), running or not. */
export function containersLabelled(...labels: string[]): string[] {
  const filters = labels.flatMap((l) => ['--filter', `label=${l}`]);
  return execFileSync('docker', ['ps', '-a', '-q', '--no-trunc', ...filters], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}

/** Removes containers a test made or left (only those: the engine is shared). */
export function removeContainers(ids: readonly string[]): void {
  if (ids.length > 0) spawnSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
}

/**
 * Builds `tag` from the test image with a python3 that sleeps ten minutes before running, so a
 * pip install in it is still running whenever the test acts on it.
 */
export function slowPythonImage(tag: string): void {
  const slow = `printf '#!/bin/sh\\nsleep 600\\nexec /usr/bin/python3-real "$@"\\n' > /usr/bin/python3`;
  execFileSync('docker', ['build', '-q', '-t', tag, '-'], {
    input: `FROM ${BASE_IMAGE}\nRUN mv /usr/bin/python3 /usr/bin/python3-real && ${slow} && chmod 755 /usr/bin/python3\n`,
    env: { ...process.env, DOCKER_BUILDKIT: '0' },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
}
