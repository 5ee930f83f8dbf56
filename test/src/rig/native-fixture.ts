// Owns the native-library tests' inputs: local sdists of C extensions (one linking the image's
// libyaml, one shipping its own helper library beside it), their pip.conf, and ELF files crafted
// with the host's gcc. Leaves projects and temp folders to project.ts, engines to docker.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

/** Built by test/docker/provision.sh: the base image plus gcc, the Python headers and libyaml. */
export const NATIVE_IMAGE = process.env.JUNI_NATIVE_IMAGE ?? 'juni-test/native:bookworm';

/** True when the engine has NATIVE_IMAGE; in CI, otherwise the test fails (as requireDocker). */
export function requireNativeImage(t: TestContext): boolean {
  if (spawnSync('docker', ['image', 'inspect', NATIVE_IMAGE], { stdio: 'ignore' }).status === 0) return true;
  const why = `no Docker engine with the image ${NATIVE_IMAGE} (run: bash test/docker/provision.sh)`;
  if (process.env.CI) throw new Error(`Docker tests are required in CI: ${why}`);
  process.stderr.write(`\n*** SKIPPING Docker test "${t.name}": ${why} ***\n\n`);
  t.skip(why);
  return false;
}

/** Where the sdists go inside a project (pip.conf's find-links, relative to the project). */
export const SDISTS = 'sdists';

// A fixed time, so the same fixture makes the same bytes on every run.
const MTIME = new Date('2020-01-01T00:00:00Z');

const YAMLEXT_SETUP = `from setuptools import Extension, setup

setup(
    name="yamlext",
    version="1.0",
    ext_modules=[Extension("yamlext", ["yamlext.c"], libraries=["yaml"])],
)
`;

const YAMLEXT_C = `#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdio.h>
#include <yaml.h>

/* Through snprintf, so the module needs libc.so.6 too, as real extensions do. */
static PyObject *version(PyObject *self, PyObject *args) {
    char text[64];
    snprintf(text, sizeof text, "%s", yaml_get_version_string());
    return PyUnicode_FromString(text);
}

static PyMethodDef methods[] = {
    {"version", version, METH_NOARGS, "The version of the libyaml this module was loaded with."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "yamlext", NULL, -1, methods};

PyMODINIT_FUNC PyInit_yamlext(void) { return PyModule_Create(&module); }
`;

// auditwheel's layout: the helper goes to originext.libs/ beside the module, which finds it
// through an RPATH of $ORIGIN/originext.libs. It is built by the same pip build, before the module.
// distutils asks the linker for a DT_RUNPATH; a later --disable-new-dtags makes it a DT_RPATH.
const originextSetup = (tag: 'RPATH' | 'RUNPATH'): string => `import os

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HELPER = "libhelper.so.1"


class BuildWithHelper(build_ext):
    def build_extensions(self):
        libs = os.path.join(self.build_lib, "originext.libs")
        os.makedirs(libs, exist_ok=True)
        objects = self.compiler.compile(["helper.c"], output_dir=self.build_temp, extra_preargs=["-fPIC"])
        helper = os.path.join(libs, HELPER)
        self.compiler.link_shared_object(objects, helper, extra_postargs=["-Wl,-soname," + HELPER])
        for ext in self.extensions:
            # Linking the file itself records its soname (libhelper.so.1) as DT_NEEDED.
            ext.extra_link_args.append(helper)
            ext.extra_link_args.append("-Wl,${tag === 'RPATH' ? '--disable-new-dtags' : '--enable-new-dtags'}")
        super().build_extensions()


setup(
    name="originext",
    version="1.0",
    py_modules=[],
    ext_modules=[Extension("originext", ["originext.c"], runtime_library_dirs=["$ORIGIN/originext.libs"])],
    cmdclass={"build_ext": BuildWithHelper},
)
`;

const HELPER_C = `#include <stdlib.h>

int helper_answer(void) { return atoi("42"); }
`;

const ORIGINEXT_C = `#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdio.h>

int helper_answer(void);

static PyObject *answer(PyObject *self, PyObject *args) {
    char text[16];
    snprintf(text, sizeof text, "%d", helper_answer());
    return PyLong_FromString(text, NULL, 10);
}

static PyMethodDef methods[] = {
    {"answer", answer, METH_NOARGS, "What the bundled helper library answers (42)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "originext", NULL, -1, methods};

PyMODINIT_FUNC PyInit_originext(void) { return PyModule_Create(&module); }
`;

function pkgInfo(name: string, summary: string): string {
  return `Metadata-Version: 2.1\nName: ${name}\nVersion: 1.0\nSummary: ${summary}\n`;
}

/** Writes `<dir>/sdists/<name>-1.0.tar.gz` holding `files` under `<name>-1.0/`; returns its path. */
async function writeSdist(dir: string, name: string, files: Record<string, string>): Promise<string> {
  const top = `${name}-1.0`;
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const owner = { uid: 0, gid: 0, uname: '', gname: '', mtime: MTIME };
  pack.entry({ name: `${top}/`, type: 'directory', mode: 0o755, ...owner });
  for (const [rel, text] of Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)))
    pack.entry({ name: `${top}/${rel}`, mode: 0o644, ...owner }, text);
  pack.finalize();
  await done;
  const out = path.join(dir, SDISTS, `${top}.tar.gz`);
  mkdirSync(path.dirname(out), { recursive: true });
  // Node's gzip header has no time and no name: the bytes depend on the contents alone.
  writeFileSync(out, gzipSync(Buffer.concat(chunks), { level: 9 }));
  return out;
}

/**
 * Writes the sdist `yamlext-1.0.tar.gz`: a C extension module `yamlext` linked with -lyaml (so it
 * needs libyaml-0.so.2 at run time) whose `version()` returns libyaml's version string.
 */
export function writeYamlExtSdist(dir: string): Promise<string> {
  return writeSdist(dir, 'yamlext', {
    'PKG-INFO': pkgInfo('yamlext', 'A C extension that links the system libyaml'),
    'setup.py': YAMLEXT_SETUP,
    'yamlext.c': YAMLEXT_C,
  });
}

/**
 * Writes the sdist `originext-1.0.tar.gz`: a C extension module `originext` that needs
 * libhelper.so.1, which the package installs itself in `originext.libs/` and finds through
 * `$ORIGIN/originext.libs` in its DT_RPATH (auditwheel's choice; `tag: 'RUNPATH'` for a
 * DT_RUNPATH). `answer()` returns 42 from the helper. Nothing is missing.
 */
export function writeOriginRpathSdist(dir: string, options: { tag?: 'RPATH' | 'RUNPATH' } = {}): Promise<string> {
  return writeSdist(dir, 'originext', {
    'PKG-INFO': pkgInfo('originext', 'A C extension shipping its own helper library'),
    'setup.py': originextSetup(options.tag ?? 'RPATH'),
    'helper.c': HELPER_C,
    'originext.c': ORIGINEXT_C,
  });
}

/**
 * Writes `<dir>/pip.conf`: no index, the project's sdists as the only source, and no build
 * isolation (pip's option is inverted: `no-build-isolation = false` turns isolation off), so the
 * image's own setuptools and wheel build the sdists without a network. Returns its path.
 */
export function pipConf(dir: string): string {
  const file = path.join(dir, 'pip.conf');
  writeFileSync(file, `[global]\nno-index = true\nfind-links = ./${SDISTS}\nno-build-isolation = false\n`);
  return file;
}

/** Compiles `source` with the host's gcc into the shared library `<dir>/<name>`; returns its path. */
function sharedLibrary(dir: string, name: string, source: string): string {
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, name);
  // The source comes on stdin, so the folder holds nothing but the library.
  execFileSync('gcc', ['-shared', '-fPIC', '-O1', `-Wl,-soname,${name}`, '-o', out, '-x', 'c', '-'], {
    input: source,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return out;
}

/** ELF files that core must refuse (or tell apart), made with the host's gcc (x86-64, glibc 2.36). */
export const craftedElf = {
  /**
   * `<dir>/libarm.so.1`: an x86-64 shared library whose e_machine is patched to aarch64 (183),
   * as a file built for the other architecture looks to a reader of headers.
   */
  aarch64Library(dir: string): string {
    const file = sharedLibrary(dir, 'libarm.so.1', 'int arm_answer(void) { return 1; }\n');
    const bytes = readFileSync(file);
    // e_machine: a little-endian u16 at offset 18 of a 64-bit ELF header.
    bytes.writeUInt16LE(183, 18);
    writeFileSync(file, bytes);
    return file;
  },

  /** `<dir>/libnewglibc.so.1`: calls arc4random(), new in glibc 2.36, so it needs GLIBC_2.36. */
  glibc236Library(dir: string): string {
    const source = '#include <stdlib.h>\nunsigned int fresh_random(void) { return arc4random(); }\n';
    return sharedLibrary(dir, 'libnewglibc.so.1', source);
  },

  /**
   * Copies `file` into `dir` under a CPython extension's name (`mod.cpython-311-x86_64-linux-gnu.so`
   * by default), so it is read as an extension module built for that interpreter.
   */
  asExtension(file: string, dir: string, name = 'mod.cpython-311-x86_64-linux-gnu.so'): string {
    mkdirSync(dir, { recursive: true });
    const to = path.join(dir, name);
    copyFileSync(file, to);
    return to;
  },
};
