// Owns the data: what the AWS Lambda Python runtimes give the dynamic loader (the glibc version,
// the shared libraries every function can load without bringing them). Leaves using it to target.ts.
//
// Sources, and why the list is short:
// - Which OS each runtime runs on: AWS's "Lambda runtimes" page (the supported-runtimes table):
//   python3.12 and later on Amazon Linux 2023, python3.8 to python3.11 on Amazon Linux 2.
// - glibc: Amazon Linux 2 ships glibc 2.26, Amazon Linux 2023 glibc 2.34 (their release notes;
//   also the issue that asked for this check).
// - Libraries: only what every one of those images has for certain: glibc's own libraries (the
//   loader, libc, libm, libpthread, libdl, librt, libutil, libresolv, libanl), the GCC runtime
//   (libgcc_s, libstdc++), zlib, and the runtime's own libpython. The manylinux policies (PEP 599,
//   PEP 600, auditwheel's policy.json) allow more (X11, GL, glib, libnsl, libcrypt) because desktop
//   Linux has them; Lambda's minimal images do not have them all, so they are left out.
// The list is conservative on purpose: a library not on it counts as missing, and a wrong "missing"
// is fixed in one line (`runtime_libs: [libfoo.so.1]`), while a wrong "present" fails after deploy.
// Checked against the images by hand when a runtime is added; update this file and its tests then.
import type { Architecture } from '../manifest/types.js';

export interface LambdaOs {
  name: string;
  /** The glibc version its loader and libc provide: a file needing a newer GLIBC_x.y cannot load. */
  glibc: string;
}

const AMAZON_LINUX_2: LambdaOs = { name: 'Amazon Linux 2', glibc: '2.26' };
const AMAZON_LINUX_2023: LambdaOs = { name: 'Amazon Linux 2023', glibc: '2.34' };

/** Minor version of Python 3 -> the OS of Lambda's python3.N runtime. */
export const PYTHON_RUNTIMES: ReadonlyMap<number, LambdaOs> = new Map([
  [8, AMAZON_LINUX_2],
  [9, AMAZON_LINUX_2],
  [10, AMAZON_LINUX_2],
  [11, AMAZON_LINUX_2],
  [12, AMAZON_LINUX_2023],
  [13, AMAZON_LINUX_2023],
  [14, AMAZON_LINUX_2023],
]);

/** In every runtime, on both architectures. */
export const COMMON_LIBRARIES: readonly string[] = [
  'libc.so.6',
  'libm.so.6',
  'libpthread.so.0',
  'libdl.so.2',
  'librt.so.1',
  'libutil.so.1',
  'libresolv.so.2',
  'libanl.so.1',
  'libgcc_s.so.1',
  'libstdc++.so.6',
  'libz.so.1',
];

/** The dynamic loader itself, which an executable or a library may name in DT_NEEDED. */
export const LOADERS: Readonly<Record<Architecture, string>> = {
  x86_64: 'ld-linux-x86-64.so.2',
  arm64: 'ld-linux-aarch64.so.1',
};

/** The runtime's own interpreter library, in /var/lang/lib (on LD_LIBRARY_PATH). */
export function libpythonOf(python: string): string {
  return `libpython${python}.so.1.0`;
}
