import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ElfSummary } from './elf-summary.js';
import { EM_AARCH64, EM_X86_64 } from './elf.js';
import { judgeZip, type LoaderView, type ZipFileView } from './resolve.js';
import { nativeTarget } from './target.js';

const so = (needed: string[], extra: Partial<ElfSummary> = {}): ElfSummary => ({
  machine: EM_X86_64,
  class: 64,
  type: 'dyn',
  needed,
  ...extra,
});
const fn = (files: ZipFileView[], layerLibs: string[] = []): LoaderView => ({ mount: '/var/task', files, layerLibs });
const t312 = nativeTarget('3.12', 'x86_64', []);

test('a library found nowhere is missing, named with the file that needs it', () => {
  const view = fn([{ path: 'yamlext.cpython-312-x86_64-linux-gnu.so', elf: so(['libyaml-0.so.2', 'libc.so.6']) }]);
  assert.deepEqual(judgeZip(view, t312), [
    { problem: 'missing', file: 'yamlext.cpython-312-x86_64-linux-gnu.so', soname: 'libyaml-0.so.2' },
  ]);
});

test("the zip's root and lib/ (Lambda's LD_LIBRARY_PATH), and the layers' lib/ satisfy a need", () => {
  const ext = { path: 'pkg/ext.so', elf: so(['libyaml-0.so.2']) };
  assert.deepEqual(judgeZip(fn([ext, { path: 'libyaml-0.so.2' }]), t312), []);
  assert.deepEqual(judgeZip(fn([ext, { path: 'lib/libyaml-0.so.2' }]), t312), []);
  assert.deepEqual(judgeZip(fn([ext], ['libyaml-0.so.2']), t312), []);
  // Not on the loader's path: a copy under pkg/ alone is not found without an RPATH.
  assert.equal(judgeZip(fn([ext, { path: 'pkg/libyaml-0.so.2' }]), t312).length, 1);
  // A layer is unpacked at /opt: its own lib/ is /opt/lib.
  const layer: LoaderView = {
    mount: '/opt',
    files: [{ path: 'python/ext.so', elf: so(['libx.so.1']) }, { path: 'lib/libx.so.1' }],
    layerLibs: [],
  };
  assert.deepEqual(judgeZip(layer, t312), []);
});

test("an $ORIGIN RPATH or RUNPATH (auditwheel's <pkg>.libs/) is followed; other tokens are not guessed", () => {
  const files = (elf: ElfSummary): ZipFileView[] => [
    { path: 'originext/_ext.so', elf },
    { path: 'originext.libs/libhelper.so.1', elf: so(['libc.so.6']) },
  ];
  assert.deepEqual(judgeZip(fn(files(so(['libhelper.so.1'], { rpath: '$ORIGIN/../originext.libs' }))), t312), []);
  assert.deepEqual(judgeZip(fn(files(so(['libhelper.so.1'], { runpath: '${ORIGIN}/../originext.libs/' }))), t312), []);
  assert.deepEqual(judgeZip(fn(files(so(['libhelper.so.1'], { rpath: '/var/task/originext.libs' }))), t312), []);
  assert.equal(judgeZip(fn(files(so(['libhelper.so.1'], { rpath: '$LIB/originext.libs' }))), t312).length, 1);
  // DT_RPATH is ignored when DT_RUNPATH is present, as the loader does.
  const both = so(['libhelper.so.1'], { rpath: '$ORIGIN/../originext.libs', runpath: '/nowhere' });
  assert.equal(judgeZip(fn(files(both)), t312).length, 1);
});

test("the runtime's own libraries, runtime_libs and libpython count as present", () => {
  const ext = {
    path: 'e.so',
    elf: so(['libstdc++.so.6', 'libm.so.6', 'ld-linux-x86-64.so.2', 'libpython3.12.so.1.0', 'libfoo.so.1']),
  };
  assert.deepEqual(judgeZip(fn([ext]), nativeTarget('3.12', 'x86_64', ['libfoo.so.1'])), []);
  assert.deepEqual(
    judgeZip(fn([ext]), nativeTarget('3.11', 'x86_64', ['libfoo.so.1'])).map(
      (p) => p.problem === 'missing' && p.soname,
    ),
    ['libpython3.12.so.1.0'],
  );
  // The conservative list leaves out what auditwheel's manylinux policy allows but Lambda lacks.
  assert.equal(judgeZip(fn([{ path: 'x.so', elf: so(['libX11.so.6', 'libglib-2.0.so.0']) }]), t312).length, 2);
});

test('another architecture, a newer glibc than the runtime and another Python are refused', () => {
  const arm = { path: 'arm.so', elf: so(['libc.so.6'], { machine: EM_AARCH64 }) };
  const i386 = { path: 'x86.so', elf: so(['libc.so.6'], { machine: 3, class: 32 }) };
  const glibc = { path: 'new.so', elf: so(['libc.so.6'], { glibc: '2.36' }) };
  const tag = { path: 'pkg/m.cpython-311-x86_64-linux-gnu.so', elf: so(['libc.so.6']) };
  assert.deepEqual(judgeZip(fn([arm, i386, glibc, tag]), t312), [
    { problem: 'wrong-architecture', file: 'arm.so', machine: EM_AARCH64, bits: 64 },
    { problem: 'wrong-architecture', file: 'x86.so', machine: 3, bits: 32 },
    { problem: 'glibc', file: 'new.so', needs: '2.36', has: '2.34' },
    { problem: 'python-tag', file: 'pkg/m.cpython-311-x86_64-linux-gnu.so', built: '3.11' },
  ]);
  // Python 3.9 to 3.11 run on Amazon Linux 2: glibc 2.26.
  const g228 = { path: 'g.so', elf: so(['libc.so.6'], { glibc: '2.28' }) };
  assert.deepEqual(judgeZip(fn([g228]), nativeTarget('3.11', 'x86_64', [])), [
    { problem: 'glibc', file: 'g.so', needs: '2.28', has: '2.26' },
  ]);
  assert.deepEqual(judgeZip(fn([g228]), t312), []);
  // arm64 targets want aarch64 files.
  assert.deepEqual(judgeZip(fn([arm]), nativeTarget('3.12', 'arm64', [])), []);
});

test('without python: neither glibc nor the extension tag is judged; abi3 and object files never are', () => {
  const files = [
    { path: 'new.so', elf: so(['libc.so.6'], { glibc: '2.99' }) },
    { path: 'm.cpython-39-x86_64-linux-gnu.so', elf: so([]) },
    { path: 'm.abi3.so', elf: so([]) },
    { path: 'x.o', elf: so(['libnothere.so'], { type: 'rel', machine: EM_AARCH64 }) },
    { path: 'bad.so', elf: so(['libnothere.so'], { unreadable: 'cut short' }) },
  ];
  assert.deepEqual(judgeZip(fn(files), nativeTarget(undefined, undefined, [])), []);
  assert.deepEqual(
    judgeZip(fn(files), t312).map((p) => p.problem),
    ['glibc', 'python-tag'],
  );
});

test("a Python outside the table gets the nearest runtime's OS", () => {
  assert.equal(nativeTarget('3.20', 'x86_64', []).os?.glibc, '2.34');
  assert.equal(nativeTarget('3.6', 'x86_64', []).os?.glibc, '2.26');
  assert.equal(nativeTarget('3.10', 'x86_64', []).os?.name, 'Amazon Linux 2');
});

test("a grafted library without an RPATH finds its sibling through the RPATH of what loaded it (glibc's loader chain)", () => {
  const files = (ext: ElfSummary): ZipFileView[] => [
    { path: 'pkg/_ext.so', elf: ext },
    { path: 'pkg.libs/libA-h1.so', elf: so(['libB-h2.so']) },
    { path: 'pkg.libs/libB-h2.so', elf: so(['libc.so.6']) },
  ];
  assert.deepEqual(judgeZip(fn(files(so(['libA-h1.so'], { rpath: '$ORIGIN/../pkg.libs' }))), t312), []);
  // A DT_RUNPATH is the file's own: what it loads does not search it.
  assert.deepEqual(judgeZip(fn(files(so(['libA-h1.so'], { runpath: '$ORIGIN/../pkg.libs' }))), t312), [
    { problem: 'missing', file: 'pkg.libs/libA-h1.so', soname: 'libB-h2.so' },
  ]);
  // Two levels down: ext -> libA -> libB -> libC, all found through the extension's RPATH.
  const deep: ZipFileView[] = [
    { path: 'pkg/_ext.so', elf: so(['libA-h1.so'], { rpath: '$ORIGIN/../pkg.libs' }) },
    { path: 'pkg.libs/libA-h1.so', elf: so(['libB-h2.so']) },
    { path: 'pkg.libs/libB-h2.so', elf: so(['libC-h3.so']) },
    { path: 'pkg.libs/libC-h3.so', elf: so([]) },
  ];
  assert.deepEqual(judgeZip(fn(deep), t312), []);
});

test("a layer's deferred needs are met by any listed layer's lib/ or the function's root and lib/, else named with the layer", () => {
  const deferred = [{ file: 'layer py: python/x.so', soname: 'libyaml-0.so.2' }];
  assert.deepEqual(judgeZip({ ...fn([], ['libyaml-0.so.2']), deferred }, t312), []);
  assert.deepEqual(judgeZip({ ...fn([{ path: 'lib/libyaml-0.so.2' }]), deferred }, t312), []);
  assert.deepEqual(judgeZip({ ...fn([{ path: 'pkg/libyaml-0.so.2' }]), deferred }, t312), [
    { problem: 'missing', file: 'layer py: python/x.so', soname: 'libyaml-0.so.2' },
  ]);
});
