// Owns where `pip install --target` puts each file of one wheel, and the files pip writes itself
// (RECORD, INSTALLER, REQUESTED, console scripts, `#!python` scripts rewritten), byte for byte as
// pip 23-24 makes them, so juni can copy the wheel's compressed entries instead of running pip.
// Leaves reading the zip to wheel-file.ts and writing packs to wheel-pack.ts. A wheel this module
// cannot lay out exactly as pip would is `unsupported`: the caller lets pip install the set.
import { createHash } from 'node:crypto';
import { isPlainRelativePath } from '../fs/plain-path.js';
import { parseCsv, writeCsvRow } from './record-csv.js';
import type { WheelEntry } from './wheel-file.js';

/** What laying out a wheel reads of it: its entries, and the contents of a few of them. */
export interface WheelSource {
  entries: readonly WheelEntry[];
  inflated(name: string): Promise<Buffer>;
}

export interface WheelInstallOptions {
  /** pip's `sys.executable`: the interpreter scripts' `#!` lines name. */
  interpreter: string;
  /** The set names this distribution itself (pip writes REQUESTED). */
  requested: boolean;
}

/**
 * One file of the installed tree: copied from a wheel entry unchanged, or made by pip. `area`:
 * pip installs into a home folder and moves its items into the target, `lib/python`'s first
 * ('lib'), then the others (scripts, data: 'home'); a home item whose name a lib item took is
 * not moved at all, which the caller checks across a whole set (install-set.ts).
 */
export type InstalledFile = { path: string; exec: boolean; area: Area } & (
  { from: 'entry'; entry: WheelEntry } | { from: 'bytes'; bytes: Buffer }
);

type Area = 'lib' | 'home';

export type WheelLayout = { ok: true; files: InstalledFile[] } | { ok: false; unsupported: string };

/** Where pip's home scheme puts the library relative to the `--target` folder's items. */
const LIB = 'lib/python';

/**
 * The installed files of one wheel, paths relative to the `--target` folder. Follows pip's
 * `_install_wheel` and `_handle_target_dir`: the root and `.data/purelib|platlib` at the top,
 * `.data/scripts` in `bin/`, `.data/data` at the top; RECORD rewritten as pip writes it.
 */
export async function layOutWheel(wheel: WheelSource, options: WheelInstallOptions): Promise<WheelLayout> {
  const infoDirs = new Set(
    wheel.entries.map((e) => e.name.split('/')[0]!).filter((top) => top.endsWith('.dist-info') && top !== ''),
  );
  if (infoDirs.size !== 1) return unsupported(`it has ${infoDirs.size} .dist-info folders`);
  const infoDir = [...infoDirs][0]!;
  const wheelMeta = await textOf(wheel, `${infoDir}/WHEEL`);
  if (wheelMeta === undefined || !/^Wheel-Version: *1\./m.test(wheelMeta)) return unsupported('its WHEEL file');
  const entryPoints = await textOf(wheel, `${infoDir}/entry_points.txt`);
  const scripts = consoleScripts(entryPoints ?? '');
  if (typeof scripts === 'string') return unsupported(scripts);

  const placed = new Map<string, InstalledFile>();
  /** Wheel RECORD path -> installed RECORD path (relative to lib/python), as pip's `installed`. */
  const installed = new Map<string, string>();
  /** Installed RECORD path -> the bytes pip rewrote (pip rehashes them). */
  const changed = new Map<string, Buffer>();
  for (const entry of wheel.entries) {
    if (entry.name.endsWith('/')) continue;
    if (entry.encrypted || (entry.method !== 0 && entry.method !== 8))
      return unsupported(`${entry.name} is encrypted or compressed in a way zips cannot copy`);
    const place = destinationOf(entry.name);
    if ('unsupported' in place) return unsupported(place.unsupported);
    // A setuptools wrapper for a console script: pip makes the script itself.
    if (isEntryPointWrapper(entry.name, scripts)) continue;
    const { dest, area } = place;
    if (placed.has(dest)) return unsupported(`two of its files install to ${dest}`);
    const exec = isExecutable(entry.unixMode);
    let file: InstalledFile = { path: dest, exec, area, from: 'entry', entry };
    const record = recordPath(dest, area);
    if (isScriptPath(entry.name)) {
      const fixed = fixScript(await wheel.inflated(entry.name), options.interpreter);
      if (fixed) {
        file = { path: dest, exec, area, from: 'bytes', bytes: fixed };
        changed.set(record, fixed);
      }
    }
    placed.set(dest, file);
    installed.set(entry.name, record);
  }

  const generated: (InstalledFile & { from: 'bytes' })[] = [];
  for (const [name, target] of scripts) {
    const script = consoleScript(options.interpreter, target);
    if (script === undefined) return unsupported(`the interpreter path ${options.interpreter} needs a /bin/sh shebang`);
    generated.push({ path: `bin/${name}`, exec: true, area: 'home', from: 'bytes', bytes: script });
  }
  const made = (path: string, bytes: Buffer) => ({
    path,
    exec: false,
    area: 'lib' as const,
    from: 'bytes' as const,
    bytes,
  });
  generated.push(made(`${infoDir}/INSTALLER`, Buffer.from('pip\n')));
  if (options.requested) generated.push(made(`${infoDir}/REQUESTED`, Buffer.alloc(0)));

  const oldRecord = await textOf(wheel, `${infoDir}/RECORD`);
  if (oldRecord === undefined) return unsupported('it has no RECORD');
  const rows = parseCsv(oldRecord);
  if (rows === undefined) return unsupported('its RECORD is not CSV pip reads the same way');
  const outRows: [string, string, string][] = [];
  for (const row of rows) {
    const old = row[0] ?? '';
    const now = installed.get(old) ?? old;
    installed.delete(old);
    const rewritten = changed.get(now);
    if (rewritten) outRows.push([now, ...rehash(rewritten)]);
    else outRows.push([now, row[1] ?? '', row[2] ?? '']);
  }
  for (const g of generated) {
    placed.set(g.path, g);
    outRows.push([recordPath(g.path, g.area), ...rehash(g.bytes)]);
  }
  for (const rest of installed.values()) outRows.push([rest, '', '']);
  outRows.sort(compareRows);
  const recordText = outRows.map(writeCsvRow).join('');
  // pip writes the new RECORD over the wheel's, with a generated file's mode.
  placed.set(`${infoDir}/RECORD`, made(`${infoDir}/RECORD`, Buffer.from(recordText, 'utf8')));
  return { ok: true, files: [...placed.values()] };
}

function unsupported(why: string): WheelLayout {
  return { ok: false, unsupported: why };
}

async function textOf(wheel: WheelSource, name: string): Promise<string | undefined> {
  if (!wheel.entries.some((e) => e.name === name)) return undefined;
  return (await wheel.inflated(name)).toString('utf8');
}

/**
 * The file's path in the `--target` folder and the area pip puts it in; `unsupported` where pip
 * would refuse the wheel or do what juni does not copy (headers, data that pip's move step drops).
 */
function destinationOf(name: string): { dest: string; area: Area } | { unsupported: string } {
  if (!isPlainRelativePath(name)) return { unsupported: `${JSON.stringify(name)} is not a plain relative path` };
  const [top, key, ...rest] = name.split('/');
  if (!top!.endsWith('.data')) return { dest: name, area: 'lib' };
  if (key === undefined || rest.length === 0) return { unsupported: `${name} is not <scheme>/<path> in .data` };
  const sub = rest.join('/');
  switch (key) {
    case 'purelib':
    case 'platlib':
      return { dest: sub, area: 'lib' };
    case 'scripts':
      return { dest: `bin/${sub}`, area: 'home' };
    case 'data':
      // pip moves the home folder's items into the target, except those lib/python starts with.
      if (LIB.startsWith(rest[0]!)) return { unsupported: `${name} lands where pip does not move it` };
      return { dest: sub, area: 'home' };
    default:
      return { unsupported: `${name} uses the .data scheme ${key}` };
  }
}

function isScriptPath(name: string): boolean {
  const parts = name.split('/');
  return parts.length > 2 && parts[0]!.endsWith('.data') && parts[1] === 'scripts';
}

/** setuptools' wrappers for an entry point (EP, EP.exe, EP-script.py, EP.pya) are not installed. */
function isEntryPointWrapper(name: string, scripts: ReadonlyMap<string, string>): boolean {
  if (!isScriptPath(name)) return false;
  const base = name.slice(name.lastIndexOf('/') + 1);
  const lower = base.toLowerCase();
  const match =
    lower.endsWith('.exe') || lower.endsWith('.pya')
      ? base.slice(0, -4)
      : lower.endsWith('-script.py')
        ? base.slice(0, -10)
        : base;
  return scripts.has(match);
}

/** pip: executable when the zip recorded a regular file with any x bit. */
function isExecutable(unixMode: number): boolean {
  return unixMode !== 0 && (unixMode & 0o170000) === 0o100000 && (unixMode & 0o111) !== 0;
}

/** pip's fix_script: a first line starting `#!python` becomes `#!<interpreter>`. */
function fixScript(bytes: Buffer, interpreter: string): Buffer | undefined {
  if (!bytes.subarray(0, 8).equals(Buffer.from('#!python'))) return undefined;
  const eol = bytes.indexOf(0x0a);
  const rest = eol === -1 ? Buffer.alloc(0) : bytes.subarray(eol + 1);
  return Buffer.concat([Buffer.from(`#!${interpreter}\n`), rest]);
}

/** Console scripts by name -> `module:attr`; a message for what juni does not make as pip does. */
function consoleScripts(text: string): Map<string, string> | string {
  const scripts = new Map<string, string>();
  let section = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim();
      continue;
    }
    if (section === 'gui_scripts') return 'it has gui_scripts';
    if (section !== 'console_scripts') continue;
    const eq = line.indexOf('=');
    const name = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (eq < 0 || !/^[\w.+-]+$/.test(name) || /^(pip|easy_install)/i.test(name))
      return `its console script ${JSON.stringify(line)}`;
    if (!/^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$/.test(value)) return `its console script ${JSON.stringify(line)}`;
    scripts.set(name, value);
  }
  return scripts;
}

/** distlib's script for `module:func`, with the simple shebang (undefined when it would need /bin/sh). */
function consoleScript(interpreter: string, target: string): Buffer | undefined {
  if (interpreter.includes(' ') || Buffer.byteLength(interpreter) + 3 > 127) return undefined;
  const [module, func] = target.split(':') as [string, string];
  const importName = func.split('.')[0]!;
  const text =
    `#!${interpreter}\n` +
    '# -*- coding: utf-8 -*-\n' +
    'import re\n' +
    'import sys\n' +
    `from ${module} import ${importName}\n` +
    "if __name__ == '__main__':\n" +
    "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n" +
    `    sys.exit(${func}())\n`;
  return Buffer.from(text, 'utf8');
}

/** A target-relative path as RECORD names it: relative to lib/python. */
function recordPath(dest: string, area: Area): string {
  return area === 'lib' ? dest : `../../${dest}`;
}

function rehash(bytes: Buffer): [string, string] {
  const digest = createHash('sha256').update(bytes).digest('base64url');
  return [`sha256=${digest}`, String(bytes.length)];
}

function compareRows(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < 3; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}
