// Builds real Python wheels for tests (no network): package files plus a .dist-info with
// METADATA, WHEEL and RECORD, as pip expects.
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';

export interface WheelSpec {
  name: string;
  version?: string;
  /** Path inside the wheel -> content. */
  files: Record<string, string | Buffer>;
  requires?: string[];
  /** A wheel tag other than py3-none-any, e.g. cp312-cp312-manylinux2014_x86_64. */
  tag?: string;
}

export async function makeWheel(dir: string, spec: WheelSpec): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const version = spec.version ?? '1.0';
  const tag = spec.tag ?? 'py3-none-any';
  const distInfo = `${spec.name}-${version}.dist-info`;
  const files: Record<string, Buffer> = {};
  for (const [p, c] of Object.entries(spec.files)) files[p] = Buffer.from(c);
  files[`${distInfo}/METADATA`] = Buffer.from(
    [
      'Metadata-Version: 2.1',
      `Name: ${spec.name}`,
      `Version: ${version}`,
      ...(spec.requires ?? []).map((r) => `Requires-Dist: ${r}`),
      '',
    ].join('\n'),
  );
  files[`${distInfo}/WHEEL`] = Buffer.from(
    `Wheel-Version: 1.0\nGenerator: juni-tests\nRoot-Is-Purelib: ${tag === 'py3-none-any'}\nTag: ${tag}\n`,
  );
  const record = Object.entries(files).map(
    ([p, c]) => `${p},sha256=${createHash('sha256').update(c).digest('base64url')},${c.length}`,
  );
  files[`${distInfo}/RECORD`] = Buffer.from([...record, `${distInfo}/RECORD,,`, ''].join('\n'));
  const zip = new yazl.ZipFile();
  for (const [p, c] of Object.entries(files)) zip.addBuffer(c, p);
  zip.end();
  const file = path.join(dir, `${spec.name}-${version}-${tag}.whl`);
  await pipeline(zip.outputStream, createWriteStream(file));
  return file;
}
