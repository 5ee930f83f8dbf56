import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makePathFilter } from './exclusions.js';

const keepOf = (paths: string[], rules = { exclude: [] as string[], keep: [] as string[] }) => {
  const filter = makePathFilter(rules);
  return paths.filter((p) => filter(p));
};

test("drops juniper's files and folders at any depth", () => {
  const paths = [
    'a.py',
    'requirements.txt',
    'manifest.yml',
    'setup.cfg',
    'x.pyc',
    'x.pyo',
    'pkg/requirements.txt',
    'pkg/__pycache__/m.cpython-311.pyc',
    'pkg/tests/t.py',
    'tests/t.py',
    'features/f.py',
    '.juni/cache.db',
    'requests-2.0.dist-info/METADATA',
    'foo.egg-info/PKG-INFO',
    'pkg/sub/ok.py',
    'pkg/test/kept.py',
    'manifest.yaml',
  ];
  assert.deepEqual(keepOf(paths), ['a.py', 'pkg/sub/ok.py', 'pkg/test/kept.py', 'manifest.yaml']);
});

test('keep re-admits what a default rule drops', () => {
  const paths = ['requests-2.0.dist-info/METADATA', 'pkg/tests/t.py', 'x.pyc'];
  assert.deepEqual(keepOf(paths, { exclude: [], keep: ['*.dist-info'] }), ['requests-2.0.dist-info/METADATA']);
});

test('exclude: a pattern without / matches any segment; with /, the path or a parent folder', () => {
  const paths = ['README.md', 'docs/a.md', 'pkg/data/big.bin', 'pkg/data2/x', 'src/legacy/old.py', 'src/new.py'];
  assert.deepEqual(keepOf(paths, { exclude: ['*.md', 'pkg/data', './src/legacy'], keep: [] }), [
    'pkg/data2/x',
    'src/new.py',
  ]);
});
