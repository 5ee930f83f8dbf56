// Builds wheels of every shape pip installs differently (for the fidelity tests), written by
// Python's zipfile so each entry's compression and unix mode are chosen, and reads installed
// trees and zips back as path -> (sha256, exec) for comparing them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { TestContext } from 'node:test';
import type { Project } from './project.js';
import path from 'node:path';

export interface CorpusFile {
  data: string | Buffer;
  /** Stored instead of deflated. */
  stored?: boolean;
  /** The unix mode recorded in the zip (default 0o100644). */
  mode?: number;
}

export interface CorpusWheel {
  name: string;
  version?: string;
  tag?: string;
  files: Record<string, CorpusFile | string>;
  requires?: string[];
  /** entry_points.txt's text. */
  entryPoints?: string;
}

const WRITER = `
import base64, json, sys, zipfile
spec = json.load(sys.stdin)
with zipfile.ZipFile(spec['file'], 'w') as z:
    for e in spec['entries']:
        info = zipfile.ZipInfo(e['name'], (2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED if e['stored'] else zipfile.ZIP_DEFLATED
        info.external_attr = e['mode'] << 16
        z.writestr(info, base64.b64decode(e['data']))
`;

/** Writes the wheel into `dir` (with METADATA, WHEEL and a RECORD of sha256 hashes); returns its path. */
export function makeCorpusWheel(dir: string, wheel: CorpusWheel): string {
  mkdirSync(dir, { recursive: true });
  const version = wheel.version ?? '1.0';
  const tag = wheel.tag ?? 'py3-none-any';
  const info = `${wheel.name}-${version}.dist-info`;
  const files: Record<string, CorpusFile> = {};
  for (const [p, f] of Object.entries(wheel.files)) files[p] = typeof f === 'string' ? { data: f } : f;
  const meta = ['Metadata-Version: 2.1', `Name: ${wheel.name}`, `Version: ${version}`];
  for (const r of wheel.requires ?? []) meta.push(`Requires-Dist: ${r}`);
  files[`${info}/METADATA`] = { data: `${meta.join('\n')}\n` };
  const purelib = tag.endsWith('-any');
  files[`${info}/WHEEL`] = {
    data: `Wheel-Version: 1.0\nGenerator: juni-tests\nRoot-Is-Purelib: ${purelib}\nTag: ${tag}\n`,
  };
  if (wheel.entryPoints) files[`${info}/entry_points.txt`] = { data: wheel.entryPoints };
  const record = Object.entries(files).map(([p, f]) => {
    const bytes = Buffer.from(f.data);
    return `${p},sha256=${createHash('sha256').update(bytes).digest('base64url')},${bytes.length}`;
  });
  files[`${info}/RECORD`] = { data: [...record, `${info}/RECORD,,`, ''].join('\n') };
  const file = path.join(dir, `${wheel.name}-${version}-${tag}.whl`);
  const entries = Object.entries(files).map(([name, f]) => ({
    name,
    data: Buffer.from(f.data).toString('base64'),
    stored: f.stored ?? false,
    mode: f.mode ?? 0o100644,
  }));
  execFileSync('python3', ['-c', WRITER], { input: JSON.stringify({ file, entries }) });
  return file;
}

/** One installed file, as the comparisons see it. */
export type TreeEntry = { sha256: string; exec: boolean };

const TREE_READER = `
import hashlib, json, os, stat, sys, zipfile
out = {}
src = sys.argv[1]
if os.path.isdir(src):
    for root, dirs, files in os.walk(src):
        for f in files:
            p = os.path.join(root, f)
            mode = os.stat(p).st_mode
            out[os.path.relpath(p, src)] = [hashlib.sha256(open(p, 'rb').read()).hexdigest(), bool(mode & 0o100)]
else:
    with zipfile.ZipFile(src) as z:
        for i in z.infolist():
            out[i.filename] = [hashlib.sha256(z.read(i)).hexdigest(), bool((i.external_attr >> 16) & 0o100)]
print(json.dumps(out))
`;

/** A folder's files or a zip's entries: path -> content hash and exec bit. */
export function treeOf(folderOrZip: string): Map<string, TreeEntry> {
  const read = JSON.parse(execFileSync('python3', ['-c', TREE_READER, folderOrZip], { encoding: 'utf8' })) as Record<
    string,
    [string, boolean]
  >;
  return new Map(Object.entries(read).map(([p, [sha256, exec]]) => [p, { sha256, exec }]));
}

const RAW_READER = `
import hashlib, struct, sys, zipfile
def raw(file, name):
    with zipfile.ZipFile(file) as z:
        i = z.getinfo(name)
    with open(file, 'rb') as f:
        f.seek(i.header_offset)
        h = f.read(30)
        n, x = struct.unpack('<HH', h[26:30])
        f.seek(i.header_offset + 30 + n + x)
        return i.compress_type, hashlib.sha256(f.read(i.compress_size)).hexdigest()
print(raw(sys.argv[1], sys.argv[2]) == raw(sys.argv[3], sys.argv[4]))
`;

/** Whether an entry's stored bytes (still compressed) are the same in two zips. */
export function sameStoredBytes(zipA: string, nameA: string, zipB: string, nameB: string): boolean {
  return execFileSync('python3', ['-c', RAW_READER, zipA, nameA, zipB, nameB], { encoding: 'utf8' }).trim() === 'True';
}

/** A shared library from gcc: a real ELF file the native-library check reads. */
export function compiledLibrary(t: TestContext): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'juni-gcc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'speed.c'), 'int speed_add(int a, int b) { return a + b; }\n');
  execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-o', path.join(dir, 'speed.so'), path.join(dir, 'speed.c')]);
  return execFileSync('cat', [path.join(dir, 'speed.so')]);
}

/** Every shape of the corpus, into the project's wheelhouse. */
export function writeCorpus(t: TestContext, p: Project): void {
  const wheels = p.path('wheels');
  const big = Array.from({ length: 4000 }, (_, i) => `VALUE_${i} = ${i * 7919}\n`).join('');
  makeCorpusWheel(wheels, {
    name: 'plain',
    files: {
      'plain/__init__.py': { data: big },
      'plain/stored.txt': { data: 'kept as it is\n', stored: true },
      'plain/run.sh': { data: '#!/bin/sh\necho hi\n', mode: 0o100755 },
      'plain/no_type_bits': { data: 'mode without S_IFREG\n', mode: 0o755 },
    },
    requires: ['nsone', 'nstwo'],
  });
  makeCorpusWheel(wheels, { name: 'nsone', files: { 'nsp/one/__init__.py': 'ONE = 1\n' } });
  makeCorpusWheel(wheels, { name: 'nstwo', files: { 'nsp/two/__init__.py': 'TWO = 2\n' } });
  makeCorpusWheel(wheels, {
    name: 'datafull',
    files: {
      'datafull/__init__.py': 'D = 1\n',
      'datafull-1.0.data/purelib/dpure.py': 'P = 1\n',
      'datafull-1.0.data/platlib/dplat.py': 'Q = 1\n',
      'datafull-1.0.data/scripts/tool': { data: '#!python\nprint("tool")\n', mode: 0o100755 },
      'datafull-1.0.data/scripts/plain-tool': { data: '#!/bin/sh\necho plain\n', mode: 0o100755 },
      'datafull-1.0.data/data/share/datafull/doc.txt': 'documentation\n',
    },
  });
  makeCorpusWheel(wheels, {
    name: 'cli',
    files: {
      'cli/__init__.py': 'def go():\n    return 0\n',
      'cli/main.py': 'def run():\n    return 0\n',
      // setuptools' wrapper for the entry point: pip makes its own instead.
      'cli-1.0.data/scripts/cli-tool': { data: '#!python\nold wrapper\n', mode: 0o100755 },
    },
    entryPoints: '[console_scripts]\ncli-tool = cli.main:run\nsecond = cli:go\n\n[other.group]\nx = y:z\n',
  });
  makeCorpusWheel(wheels, {
    name: 'native',
    tag: 'py3-none-linux_x86_64',
    files: { 'native/__init__.py': 'N = 1\n', 'native/speed.so': { data: compiledLibrary(t), mode: 0o100755 } },
  });
  makeCorpusWheel(wheels, {
    name: 'headers',
    files: { 'headers/__init__.py': 'H = 1\n', 'headers-1.0.data/headers/headers.h': '#define H 1\n' },
  });
  makeCorpusWheel(wheels, { name: 'late', files: { 'late/__init__.py': 'L = 1\n' } });
}

/** The zip's tree without the function's own file. */
export function depsOf(zip: string): Map<string, TreeEntry> {
  const tree = treeOf(zip);
  tree.delete('handler.py');
  return tree;
}

export function assertSameTree(actual: Map<string, TreeEntry>, expected: Map<string, TreeEntry>, what: string): void {
  const sorted = (m: Map<string, TreeEntry>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  assert.deepEqual(sorted(actual), sorted(expected), what);
}
