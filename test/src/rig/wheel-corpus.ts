// Builds wheels of every shape pip installs differently (for the fidelity tests), written by
// Python's zipfile so each entry's compression and unix mode are chosen, and reads installed
// trees and zips back as path -> (sha256, exec) for comparing them.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
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
