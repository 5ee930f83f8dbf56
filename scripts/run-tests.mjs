// Runs every compiled *.test.js (unit tests in packages/*/dist, end-to-end tests in test/dist)
// with node's test runner. Node 20's `node --test` does not expand globs itself.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const roots = [
  ...readdirSync(path.join(root, 'packages')).map((p) => path.join(root, 'packages', p, 'dist')),
  path.join(root, 'test', 'dist'),
];
const only = process.argv.slice(2);

function collect(dir, out) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const abs = path.join(dir, name);
    if (statSync(abs).isDirectory()) collect(abs, out);
    else if (name.endsWith('.test.js') && (only.length === 0 || only.some((o) => abs.includes(o)))) out.push(abs);
  }
  return out;
}

const files = roots.flatMap((dir) => collect(dir, [])).sort();
if (files.length === 0) {
  console.error('run-tests: no compiled test files found; run `npm run build` first');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
