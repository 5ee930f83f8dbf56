// Same inputs, same bytes: whatever the checkout path, file times, umask or time zone.
import assert from 'node:assert/strict';
import { cpSync, readdirSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { buildJson, juni } from '../rig/juni.js';
import { Project, standardProject, tempProject } from '../rig/project.js';
import { sha256 } from '../rig/zip.js';

function touchAll(dir: string, when: Date): void {
  for (const name of readdirSync(dir)) {
    const abs = path.join(dir, name);
    if (statSync(abs).isDirectory()) touchAll(abs, when);
    utimesSync(abs, when, when);
  }
}

test('two checkouts at different paths, with other mtimes, umask and time zone, give byte-identical zips', async (t) => {
  const a = await standardProject(t);
  const b = new Project(tempProject(t).path('elsewhere', 'deeper'));
  cpSync(a.dir, b.dir, { recursive: true });
  touchAll(b.dir, new Date('2011-03-04T05:06:07Z'));
  const ra = await buildJson(a.dir);
  assert.equal(ra.run.code, 0, ra.run.stderr);
  const rb = await juni(['build'], { cwd: b.dir, shell: 'umask 077', env: { TZ: 'Pacific/Kiritimati' } });
  assert.equal(rb.code, 0, rb.stderr);
  for (const name of ['api.zip', 'worker.zip'])
    assert.equal(sha256(b.path('dist', name)), sha256(a.path('dist', name)), name);
  // The digests in the report are the files' digests.
  for (const node of ra.report.nodes.filter((n) => n.kind === 'function')) {
    assert.equal(node.outputs[0]?.sha256, sha256(a.path(node.outputs[0]!.path)));
  }
});

test("SOURCE_DATE_EPOCH sets the entries' timestamp and is part of the key", async (t) => {
  const p = await standardProject(t);
  const plain = await buildJson(p.dir);
  const dated = await buildJson(p.dir, [], { SOURCE_DATE_EPOCH: '1700000000' });
  assert.equal(dated.run.code, 0, dated.run.stderr);
  const fn = (r: typeof plain) => r.report.nodes.find((n) => n.name === 'api')!;
  assert.equal(fn(dated).status, 'built');
  assert.notEqual(fn(dated).key, fn(plain).key);
});
