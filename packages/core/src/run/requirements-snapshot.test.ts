import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadHasher } from '../hash/xxhash.js';
import { snapshotRequirements } from './requirements-snapshot.js';

const dir = mkdtempSync(path.join(tmpdir(), 'juni-snapshot-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a find-links folder found beside a requirements file is named from the manifest folder in the copy, however written', async () => {
  const hasher = await loadHasher();
  const project = path.join(dir, 'project');
  mkdirSync(path.join(project, 'reqs', 'extra'), { recursive: true });
  mkdirSync(path.join(project, 'wheels'), { recursive: true });
  // `wheels` is not beside reqs/base.txt: pip finds it from its working directory, left as written.
  const text = '-f extra\n--find-links=extra\r\n-fextra\n--find-links "extra"\n-f wheels\ntinyhttp\n';
  const top = path.join(project, 'reqs', 'base.txt');
  writeFileSync(top, text);
  const dest = path.join(dir, 'copy');
  const result = snapshotRequirements({
    requirements: top,
    pipconf: undefined,
    manifestDir: project,
    keyed: { requirements: hasher.bytes(Buffer.from(text)) },
    dest,
    hasher,
  });
  assert.equal(result.ok, true);
  if (!result.ok) return;
  assert.equal(
    readFileSync(result.snapshot.requirements, 'utf8'),
    '-f reqs/extra\n--find-links=reqs/extra\r\n-freqs/extra\n--find-links "reqs/extra"\n-f wheels\ntinyhttp\n',
  );
  assert.deepEqual(
    result.snapshot.paths.map((p) => [p.line, p.kind, path.relative(project, p.abs)]),
    [
      [1, 'find-links', 'reqs/extra'],
      [2, 'find-links', 'reqs/extra'],
      [3, 'find-links', 'reqs/extra'],
      [4, 'find-links', 'reqs/extra'],
      [5, 'find-links', 'wheels'],
    ],
  );
});
