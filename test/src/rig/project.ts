// Temp projects for end-to-end tests: files from a map, removed by the test that made them.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { makeWheel, type WheelSpec } from './wheels.js';

export class Project {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  path(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  write(file: string, content: string, options: { exec?: boolean } = {}): void {
    const abs = this.path(file);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    if (options.exec) chmodSync(abs, 0o755);
  }

  read(file: string): string {
    return readFileSync(this.path(file), 'utf8');
  }

  mtime(file: string): number {
    return statSync(this.path(file)).mtimeMs;
  }

  async wheel(spec: WheelSpec): Promise<void> {
    await makeWheel(this.path('wheels'), spec);
  }
}

/** A fresh project in a temp folder, removed when the test ends. */
export function tempProject(t: TestContext, files: Record<string, string> = {}): Project {
  const dir = mkdtempSync(path.join(tmpdir(), 'juni-e2e-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const project = new Project(dir);
  for (const [file, content] of Object.entries(files)) project.write(file, content);
  return project;
}

/** The pip.conf every test project uses: only its own wheels, never an index. */
export const PIP_CONF = '[global]\nno-index = true\nfind-links = ./wheels\n';

/** A small project with two wheels (one depending on the other), a shared library and two functions. */
export async function standardProject(t: TestContext, manifest?: string): Promise<Project> {
  const p = tempProject(t, {
    'pip.conf': PIP_CONF,
    'requirements.txt': 'tinyhttp\n',
    'src/api/handler.py': 'def handler(event, context):\n    return "api"\n',
    'src/worker/handler.py': 'def handler(event, context):\n    return "worker"\n',
    'src/lib/util.py': 'X = 1\n',
    'manifest.yml':
      manifest ??
      [
        'global:',
        '  executor: local',
        '  pipconf: ./pip.conf',
        'functions:',
        '  api:',
        '    requirements: ./requirements.txt',
        '    include:',
        '      - ./src/api/handler.py',
        '      - ./src/lib/',
        '  worker:',
        '    requirements: ./requirements.txt',
        '    include:',
        '      - ./src/worker/handler.py',
        '      - ./src/lib',
        '',
      ].join('\n'),
  });
  await p.wheel({ name: 'tinycore', files: { 'tinycore/__init__.py': 'CORE = True\n' } });
  await p.wheel({ name: 'tinyhttp', files: { 'tinyhttp/__init__.py': 'import tinycore\n' }, requires: ['tinycore'] });
  return p;
}
