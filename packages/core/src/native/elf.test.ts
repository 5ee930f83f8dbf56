import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, after, test } from 'node:test';
import { bufferSource, type ByteSource } from './byte-source.js';
import { EM_AARCH64, EM_X86_64, isElf, parseElf, readElf, readElfFile, type ElfFile } from './elf.js';

const has = (tool: string) => {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const GCC = has('gcc');
const READELF = has('readelf');
const X86_64 = process.arch === 'x64' && process.platform === 'linux';
const noGcc = GCC ? false : 'gcc is not installed';

let dir = '';
const at = (name: string) => path.join(dir, name);
const gcc = (...args: string[]) => execFileSync('gcc', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'juni-elf-'));
  if (!GCC) return;
  mkdirSync(at('lib'));
  mkdirSync(at('bin'));
  // reallocarray is versioned GLIBC_2.26 on every glibc architecture: a need we can predict.
  writeFileSync(at('foo.c'), '#include <stdlib.h>\nvoid *foo(void *p) { return reallocarray(p, 2, 8); }\n');
  writeFileSync(at('bar.c'), 'void *foo(void *);\nvoid *bar(void) { return foo(0); }\n');
  writeFileSync(at('main.c'), 'void *foo(void *);\nint main(void) { return foo(0) != 0; }\n');
  gcc('-shared', '-fPIC', '-Wl,-soname,libfoo.so.1', '-o', 'lib/libfoo.so.1', 'foo.c');
  const linkFoo = ['-Llib', '-l:libfoo.so.1', '-Wl,-rpath,$ORIGIN/../lib'];
  gcc('-shared', '-fPIC', '-o', 'lib/librun.so', 'bar.c', ...linkFoo, '-Wl,--enable-new-dtags');
  gcc('-shared', '-fPIC', '-o', 'lib/librpath.so', 'bar.c', ...linkFoo, '-Wl,--disable-new-dtags');
  gcc('-no-pie', '-o', 'bin/app', 'main.c', ...linkFoo);
  gcc('-pie', '-fPIE', '-o', 'bin/app-pie', 'main.c', ...linkFoo);
  try {
    gcc('-static', '-o', 'bin/app-static', 'main.c', 'foo.c');
  } catch {
    // Without a static libc (libc.a) there is no static executable to read; that test skips.
  }
});

after(() => rmSync(dir, { recursive: true, force: true }));

function elfAt(file: string): ElfFile {
  const result = readElfFile(file);
  assert.ok(result.ok, `${file}: ${JSON.stringify(result)}`);
  return result.elf;
}

/** What binutils' readelf reports for the same file: the reference we compare with. */
function readelfView(file: string) {
  const dynamic = execFileSync('readelf', ['-dW', file], { encoding: 'utf8' });
  const tag = (name: string) =>
    [...dynamic.matchAll(new RegExp(`\\(${name}\\)\\s+[^[]*\\[(.*)\\]`, 'g'))].map((m) => m[1]);
  const versions = execFileSync('readelf', ['-VW', file], { encoding: 'utf8' });
  const needs: { file: string; versions: { name: string; weak: boolean }[] }[] = [];
  const section = versions.split(/^Version needs section/m)[1]?.split(/\n\s*\n/)[0] ?? '';
  for (const line of section.split('\n')) {
    const file = /File: (\S+)/.exec(line)?.[1];
    const name = /Name: (\S+)\s+Flags: (\S+)/.exec(line);
    if (file !== undefined) needs.push({ file, versions: [] });
    else if (name) needs.at(-1)?.versions.push({ name: name[1] ?? '', weak: name[2] === 'WEAK' });
  }
  return { needed: tag('NEEDED'), soname: tag('SONAME')[0], rpath: tag('RPATH')[0], runpath: tag('RUNPATH')[0], needs };
}

function assertMatchesReadelf(file: string, elf: ElfFile): void {
  if (!READELF) return;
  const ref = readelfView(file);
  assert.deepEqual(
    { needed: elf.needed, soname: elf.soname, rpath: elf.rpath, runpath: elf.runpath, needs: elf.versionNeeds },
    ref,
    file,
  );
}

test('a shared library gcc made: soname, machine, needed and the glibc versions it needs', { skip: noGcc }, () => {
  const elf = elfAt(at('lib/libfoo.so.1'));
  assert.equal(elf.type, 'dyn');
  assert.equal(elf.dynamic, true);
  assert.equal(elf.soname, 'libfoo.so.1');
  assert.ok(elf.needed.includes('libc.so.6'));
  assert.equal(elf.rpath, undefined);
  assert.equal(elf.runpath, undefined);
  const libc = elf.versionNeeds.find((n) => n.file === 'libc.so.6');
  assert.ok(libc?.versions.some((v) => v.name === 'GLIBC_2.26'));
  assert.equal(elf.highestGlibc, '2.26');
  if (X86_64)
    assert.deepEqual([elf.class, elf.endian, elf.machine, elf.machineName], [64, 'little', EM_X86_64, 'x86_64']);
  assertMatchesReadelf(at('lib/libfoo.so.1'), elf);
});

test('new dtags give DT_RUNPATH, old ones DT_RPATH, with $ORIGIN kept as written', { skip: noGcc }, () => {
  const run = elfAt(at('lib/librun.so'));
  assert.deepEqual([run.runpath, run.rpath], ['$ORIGIN/../lib', undefined]);
  assert.ok(run.needed.includes('libfoo.so.1'));
  assertMatchesReadelf(at('lib/librun.so'), run);
  const old = elfAt(at('lib/librpath.so'));
  assert.deepEqual([old.rpath, old.runpath], ['$ORIGIN/../lib', undefined]);
  assertMatchesReadelf(at('lib/librpath.so'), old);
});

test('executables: ET_EXEC without PIE, ET_DYN with it, no dynamic section when static', { skip: noGcc }, () => {
  const app = elfAt(at('bin/app'));
  assert.equal(app.type, 'exec');
  assert.deepEqual(app.needed, ['libfoo.so.1', 'libc.so.6']);
  assert.equal(app.soname, undefined);
  assertMatchesReadelf(at('bin/app'), app);
  const pie = elfAt(at('bin/app-pie'));
  assert.equal(pie.type, 'dyn');
  assertMatchesReadelf(at('bin/app-pie'), pie);
  if (!existsSync(at('bin/app-static'))) return;
  const result = readElfFile(at('bin/app-static'));
  assert.ok(result.ok);
  assert.deepEqual([result.elf.type, result.elf.dynamic, result.elf.needed], ['exec', false, []]);
});

test('an ELF32 library (gcc -m32, no libc needed to link it)', { skip: noGcc }, (t) => {
  writeFileSync(at('tiny.c'), 'int tiny(void) { return 1; }\n');
  try {
    gcc(
      '-m32',
      '-shared',
      '-nostdlib',
      '-fPIC',
      '-Wl,-soname,libtiny.so',
      '-Wl,-rpath,$ORIGIN',
      '-o',
      'tiny32.so',
      'tiny.c',
    );
  } catch {
    t.skip('gcc cannot target 32-bit here');
    return;
  }
  const elf = elfAt(at('tiny32.so'));
  assert.deepEqual([elf.class, elf.endian, elf.soname, elf.runpath], [32, 'little', 'libtiny.so', '$ORIGIN']);
  if (X86_64) assert.equal(elf.machineName, 'i386');
  assertMatchesReadelf(at('tiny32.so'), elf);
});

test('without section headers (as sstrip leaves it) the program headers give the same answer', { skip: noGcc }, () => {
  for (const name of ['lib/librun.so', 'bin/app']) {
    const bytes = Buffer.from(readFileSync(at(name)));
    // e_shoff, e_shnum and e_shstrndx of ELF64 (the files gcc made above).
    bytes.writeBigUInt64LE(0n, 40);
    bytes.writeUInt16LE(0, 60);
    bytes.writeUInt16LE(0, 62);
    assert.deepEqual(readElf(bytes), readElfFile(at(name)), name);
  }
});

test('a big-endian aarch64 library without section headers, read through its program headers', () => {
  for (const little of [true, false]) {
    const result = readElf(craftElf({ little }));
    assert.ok(result.ok, JSON.stringify(result));
    const { endian, machine, machineName, needed, soname, runpath, versionNeeds } = result.elf;
    const expected = { endian: little ? 'little' : 'big', machine: EM_AARCH64, machineName: 'aarch64' };
    assert.deepEqual(
      { endian, machine, machineName, needed, soname, runpath, versionNeeds },
      {
        ...expected,
        needed: ['libz.so.1', 'libc.so.6'],
        soname: 'libcrafted.so',
        runpath: '$ORIGIN/lib',
        versionNeeds: [],
      },
    );
  }
  // DT_STRTAB is an address; one outside every PT_LOAD segment leads nowhere in the file.
  assert.deepEqual(readElf(craftElf({ little: false, strtabAddr: 0x10 })), {
    ok: false,
    problem: { reason: 'malformed', what: 'DT_STRTAB address' },
  });
});

test('a truncated file is an error result at every length, never an exception', { skip: noGcc }, () => {
  const bytes = readFileSync(at('lib/librun.so'));
  for (let length = 0; length < bytes.length; length += 7) {
    const result = readElf(bytes.subarray(0, length));
    assert.equal(result.ok, false, `cut at ${length}`);
  }
  const cut = readElf(bytes.subarray(0, bytes.length - 1));
  assert.ok(!cut.ok && cut.problem.reason === 'truncated');
  const header = readElf(bytes.subarray(0, 30));
  assert.deepEqual(header, {
    ok: false,
    problem: { reason: 'truncated', what: 'ELF header', offset: 0, length: 64, size: 30 },
  });
});

test('damaged bytes never throw or read out of bounds', { skip: noGcc }, () => {
  const original = readFileSync(at('lib/libfoo.so.1'));
  const random = bytesFrom('damage', original.length * 4);
  for (let round = 0; round < 300; round++) {
    const bytes = Buffer.from(original);
    for (let k = 0; k < 8; k++) {
      // Damage the start (headers) more often than the code, where it would change nothing we read.
      const where = random.readUInt32LE((round * 8 + k) * 4) % (k < 6 ? 4096 : bytes.length);
      bytes[where] = random[(round * 8 + k) % random.length] ?? 0;
    }
    assert.doesNotThrow(() => parseElf(checked(bufferSource(bytes), () => undefined)), `round ${round}`);
  }
});

test('random bytes are not ELF; random bytes behind the magic are an error result', () => {
  const random = bytesFrom('random', 4096);
  assert.equal(isElf(random), false);
  assert.deepEqual(readElf(random), { ok: false, problem: { reason: 'not-elf' } });
  const forged = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), random.subarray(7)]);
  assert.equal(isElf(forged), true);
  assert.equal(readElf(forged).ok, false);
  const badClass = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 9, 1]), random.subarray(6)]);
  assert.deepEqual(readElf(badClass), { ok: false, problem: { reason: 'unsupported', field: 'class', value: 9 } });
});

test('isElf looks at the first four bytes only', () => {
  assert.equal(isElf(Buffer.from('\x7fELF')), true);
  assert.equal(isElf(Buffer.from('\x7fEL')), false);
  assert.equal(isElf(Buffer.from('#!/bin/sh\n')), false);
  assert.equal(isElf(new Uint8Array(0)), false);
  assert.deepEqual(readElf(Buffer.from('import os\n')), { ok: false, problem: { reason: 'not-elf' } });
});

test("a large library costs a few small reads: libstdc++'s headers, not its megabytes", { skip: noGcc }, () => {
  const file = realpathSync(execFileSync('gcc', ['-print-file-name=libstdc++.so.6'], { encoding: 'utf8' }).trim());
  const bytes = readFileSync(file);
  let read = 0;
  const result = parseElf(checked(bufferSource(bytes), (length) => (read += length)));
  assert.ok(result.ok);
  assert.equal(result.elf.soname, 'libstdc++.so.6');
  assert.ok(read < 64 * 1024 && bytes.length > 1024 * 1024, `read ${read} of ${bytes.length} bytes`);
  assertMatchesReadelf(file, result.elf);
});

test("the running Python's extension modules match readelf", { skip: !X86_64 || !READELF }, (t) => {
  let files: string[];
  try {
    const script =
      'import glob, sysconfig; print("\\n".join(sorted(glob.glob(sysconfig.get_path("platstdlib") + "/lib-dynload/*.so"))[:5]))';
    files = execFileSync('python3', ['-c', script], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    files = [];
  }
  if (files.length === 0) return t.skip('no python3 with shared extension modules');
  for (const file of files) {
    const elf = elfAt(file);
    assert.equal(elf.machineName, 'x86_64');
    assertMatchesReadelf(file, elf);
  }
});

/**
 * A minimal ELF64 shared library for aarch64, as sstrip would leave it: a PT_LOAD mapping the whole
 * file at 0x400000, a PT_DYNAMIC and its string table, no section headers. gcc here makes neither
 * big-endian nor aarch64 files.
 */
function craftElf(options: { little: boolean; strtabAddr?: number }): Buffer {
  const base = 0x400000;
  const strings = '\0libz.so.1\0libc.so.6\0libcrafted.so\0$ORIGIN/lib\0';
  const str = (s: string) => strings.indexOf(`\0${s}\0`) + 1;
  const [dynOff, strOff] = [64 + 2 * 56, 64 + 2 * 56 + 7 * 16];
  const b = Buffer.alloc(strOff + strings.length);
  const le = options.little;
  const put = (width: number, at: number, v: number) => {
    if (width === 2) return le ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at);
    if (width === 4) return le ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at);
    return le ? b.writeBigUInt64LE(BigInt(v), at) : b.writeBigUInt64BE(BigInt(v), at);
  };
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, le ? 1 : 2, 1]);
  const fields: [width: number, at: number, value: number][] = [
    // e_type ET_DYN, e_machine, e_version, e_phoff, e_ehsize, e_phentsize, e_phnum, e_shentsize
    [2, 16, 3],
    [2, 18, EM_AARCH64],
    [4, 20, 1],
    [8, 32, 64],
    [2, 52, 64],
    [2, 54, 56],
    [2, 56, 2],
    [2, 58, 64],
    // PT_LOAD of the whole file, then PT_DYNAMIC: p_type, p_offset, p_vaddr, p_filesz, p_memsz
    [4, 64, 1],
    [8, 72, 0],
    [8, 80, base],
    [8, 96, b.length],
    [8, 104, b.length],
    [4, 120, 2],
    [8, 128, dynOff],
    [8, 136, base + dynOff],
    [8, 152, 7 * 16],
    [8, 160, 7 * 16],
  ];
  const dynamic: [tag: number, value: number][] = [
    [1, str('libz.so.1')],
    [1, str('libc.so.6')],
    [14, str('libcrafted.so')],
    [29, str('$ORIGIN/lib')],
    [5, options.strtabAddr ?? base + strOff],
    [10, strings.length],
    [0, 0],
  ];
  dynamic.forEach(([tag, value], i) => fields.push([8, dynOff + 16 * i, tag], [8, dynOff + 16 * i + 8, value]));
  for (const [width, at, value] of fields) put(width, at, value);
  b.write(strings, strOff, 'latin1');
  return b;
}

/** Deterministic pseudo-random bytes, so a failure repeats. */
function bytesFrom(seed: string, length: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; parts.length * 32 < length; i++) parts.push(createHash('sha256').update(`${seed}${i}`).digest());
  return Buffer.concat(parts).subarray(0, length);
}

/** A source that fails the test if the reader ever asks for bytes outside it. */
function checked(source: ByteSource, onRead: (length: number) => void): ByteSource {
  return {
    size: source.size,
    read(offset, length) {
      onRead(length);
      const out = source.read(offset, length);
      if (out !== undefined) assert.ok(offset >= 0 && offset + length <= source.size);
      return out;
    },
  };
}
