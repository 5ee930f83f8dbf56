// Zip bytes depend on Node's bundled zlib; juni's keys hold its identity. Proved with the zip
// writer run by Node 20 (this process) and Node 22, 24 and 26 (test/node/provision.sh): for every
// pair, the zips are byte-identical or their compressor identities (and so their keys) differ.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { buildJson } from '../rig/juni.js';
import { REPO } from '../rig/paths.js';
import { standardProject, tempProject } from '../rig/project.js';

const NODES =
  process.env.JUNI_TEST_NODES ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'juni-test', 'node');
const MAJORS = ['22', '24', '26'];

/** The other Node binaries; in CI a missing one fails the test, elsewhere it is skipped loudly. */
function otherNodes(t: TestContext): string[] | undefined {
  const found = MAJORS.map((m) => path.join(NODES, m, 'bin', 'node')).filter((bin) => existsSync(bin));
  if (found.length === MAJORS.length) return found;
  const why = `Node ${MAJORS.join(', ')} are not installed in ${NODES} (run: bash test/node/provision.sh)`;
  if (process.env.CI) throw new Error(`required in CI: ${why}`);
  process.stderr.write(`\n*** SKIPPING "${t.name}": ${why} ***\n\n`);
  t.skip(why);
  return undefined;
}

/** Writes a zip of `files` with juni's own zip writer; prints the compressor identity and the zip's sha256. */
const PROBE = `
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
const [core, out, ...files] = process.argv.slice(2);
const { writeZip } = await import(core + '/zip/zip-writer.js');
const { COMPRESSOR } = await import(core + '/zip/compress.js');
const { zipTime } = await import(core + '/zip/timestamp.js');
const sources = files.map((abs, i) => ({
  kind: 'file', archivePath: 'f' + i + '/' + abs.split('/').pop(), absPath: abs, size: statSync(abs).size, exec: false,
}));
const written = await writeZip(sources, out, zipTime({}));
if (!written.ok) throw new Error(JSON.stringify(written.problem));
const sha256 = createHash('sha256').update(readFileSync(out)).digest('hex');
console.log(JSON.stringify({ node: process.version, compressor: COMPRESSOR, sha256 }));
`;

test('zips from Node 20, 22, 24 and 26 are byte-identical, or their compressor identities differ', (t) => {
  const nodes = otherNodes(t);
  if (!nodes) return;
  const p = tempProject(t, { 'probe.mjs': PROBE });
  // Real, varied content: source text, a minified bundle, a native binary, random bytes, repetition.
  let seed = 42;
  const random = Buffer.alloc(300_000, 0).map(() => (seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff) & 0xff);
  writeFileSync(p.path('random.bin'), random);
  writeFileSync(p.path('repeat.txt'), 'def handler(event, context):\n    return {"ok": True}\n'.repeat(20_000));
  const corpus = [
    path.join(REPO, 'node_modules', 'typescript', 'lib', 'typescript.js'),
    path.join(REPO, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'),
    // TypeScript source text from outside packages/, whose files move as the code is reorganised.
    path.join(REPO, 'node_modules', 'typescript', 'lib', 'lib.es5.d.ts'),
    p.path('random.bin'),
    p.path('repeat.txt'),
  ];
  const core = pathToFileURL(path.join(REPO, 'packages', 'core', 'dist')).href;
  const probe = (bin: string): { node: string; compressor: string; sha256: string } => {
    const run = spawnSync(
      bin,
      [p.path('probe.mjs'), core, p.path(`${path.basename(path.dirname(path.dirname(bin)))}.zip`), ...corpus],
      { encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as { node: string; compressor: string; sha256: string };
  };
  const results = [probe(process.execPath), ...nodes.map(probe)];
  assert.equal(new Set(results.map((r) => r.node)).size, 4, 'four different Node versions ran');
  for (const a of results) {
    for (const b of results) {
      if (a.sha256 !== b.sha256)
        assert.notEqual(
          a.compressor,
          b.compressor,
          `${a.node} and ${b.node} wrote different zips under one compressor identity`,
        );
    }
  }
  t.diagnostic(results.map((r) => `${r.node}: ${r.compressor} -> ${r.sha256.slice(0, 12)}`).join('; '));
});

test("the compressor identity is in every zip's key and every install's key", async (t) => {
  const p = await standardProject(t);
  const { run } = await buildJson(p.dir);
  assert.equal(run.code, 0, run.stderr);
  const compress = pathToFileURL(path.join(REPO, 'packages', 'core', 'dist', 'zip', 'compress.js')).href;
  const expected = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', `import { COMPRESSOR } from '${compress}'; console.log(COMPRESSOR)`],
    { encoding: 'utf8' },
  ).trim();
  assert.match(expected, new RegExp(`zlib-${process.versions.zlib.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const db = new Database(p.path('.juni', 'cache.db'), { readonly: true });
  t.after(() => db.close());
  const rows = db.prepare("SELECT kind, inputs FROM results WHERE kind IN ('function', 'layer', 'deps')").all() as {
    kind: string;
    inputs: string;
  }[];
  assert.ok(rows.some((r) => r.kind === 'deps') && rows.some((r) => r.kind === 'function'));
  for (const row of rows)
    assert.equal((JSON.parse(row.inputs) as { config: { compressor?: string } }).config.compressor, expected, row.kind);
  assert.ok(readFileSync(p.path('dist', 'api.zip')).length > 0);
});
