// Fails when modules import each other in a cycle, through static or dynamic imports, within a
// package or across packages (@juni/*). Reads the TypeScript sources; type-only imports count too.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const packages = readdirSync(path.join(root, 'packages'));
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const abs = path.join(dir, name);
    if (statSync(abs).isDirectory()) walk(abs);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(abs);
  }
};
for (const p of packages) walk(path.join(root, 'packages', p, 'src'));

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)'([^']+)'/g;
const edges = new Map();
for (const file of files) {
  const targets = new Set();
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
    if (spec.startsWith('.')) targets.add(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
    else if (spec.startsWith('@juni/')) targets.add(path.join(root, 'packages', spec.slice(6), 'src', 'index.ts'));
  }
  edges.set(file, [...targets]);
}

const state = new Map();
const cycles = [];
const visit = (file, stack) => {
  state.set(file, 'open');
  stack.push(file);
  for (const next of edges.get(file) ?? []) {
    if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
    else if (!state.has(next)) visit(next, stack);
  }
  stack.pop();
  state.set(file, 'done');
};
for (const file of files) if (!state.has(file)) visit(file, []);
if (cycles.length > 0) {
  const show = (c) => c.map((f) => path.relative(root, f)).join(' -> ');
  console.error(`import cycles:\n${cycles.map(show).join('\n')}`);
  process.exit(1);
}
console.log(`no import cycles among ${files.length} modules`);
