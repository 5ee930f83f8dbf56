// Zips one folder with juni's zip writer (parallel deflate, level 6), as the heavy-tree baseline
// against Info-ZIP. Usage: node heavy-zip.mjs TREE OUT.zip -> prints {"ms":..,"bytes":..}
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeZip } from '../packages/core/dist/zip/zip-writer.js';
import { zipTime } from '../packages/core/dist/zip/timestamp.js';
import { CompressorPool } from '../packages/core/dist/zip/compressor-pool.js';

const [tree, out] = process.argv.slice(2);
const sources = [];
const walk = (dir, rel) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, e.name);
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) walk(abs, r);
    else {
      const st = statSync(abs);
      sources.push({ kind: 'file', archivePath: r, absPath: abs, size: st.size, exec: (st.mode & 0o111) !== 0 });
    }
  }
};
const started = process.hrtime.bigint();
walk(tree, '');
const pool = new CompressorPool();
const written = await writeZip(sources, out, zipTime({}), pool);
await pool.close();
console.log(
  JSON.stringify({ ms: Number(process.hrtime.bigint() - started) / 1e6, bytes: written.bytes, files: sources.length }),
);
