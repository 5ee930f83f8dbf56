// Fails when a source line is longer than 140 characters: prettier keeps code within 120, but it
// does not break strings or comments, and those must stay readable too.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const MAX = 140;
const root = path.resolve(import.meta.dirname, '..');
const dirs = [
  ...readdirSync(path.join(root, 'packages')).map((p) => `packages/${p}/src`),
  'test/src',
  'bench',
  'scripts',
];
const long = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const abs = path.join(dir, name);
    if (name === 'node_modules' || name === 'out') continue;
    if (statSync(abs).isDirectory()) walk(abs);
    else if (/\.(ts|mjs)$/.test(name)) {
      readFileSync(abs, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (line.length > MAX) long.push(`${path.relative(root, abs)}:${i + 1}: ${line.length} characters`);
        });
    }
  }
}
for (const dir of dirs) walk(path.join(root, dir));
if (long.length > 0) {
  console.error(`lines over ${MAX} characters (break them, or shorten the message):\n${long.join('\n')}`);
  process.exit(1);
}
