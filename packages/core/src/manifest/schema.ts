// Owns the list of keys each manifest section accepts (juniper's schema plus juni's extensions),
// which keys juniper ignored, and what makes a name a safe zip name. Leaves checking values to validate.ts.

/** Keys shared by `global:` and every entry (the entry's value overrides the global one). */
const SETTINGS = ['image', 'executor', 'network', 'exclude', 'keep', 'native_libs', 'runtime_libs'] as const;

/** How a function runs where Lambda would (`juni check`, `juni invoke`): global defaults, per function. */
const RUN_SETTINGS = ['runtime_image', 'memory_size', 'timeout', 'environment'] as const;

export const TOP_KEYS = ['global', 'functions', 'layers', 'images', 'package'] as const;
export const GLOBAL_KEYS = [
  ...SETTINGS,
  ...RUN_SETTINGS,
  'output',
  'pipconf',
  'python',
  'architecture',
  'allow_outside',
] as const;
export const LAYER_KEYS = [...SETTINGS, 'requirements', 'include'] as const;
export const FUNCTION_KEYS = [...LAYER_KEYS, ...RUN_SETTINGS, 'layers', 'handler'] as const;
export const IMAGE_KEYS = ['dockerfile', 'context', 'args', 'target', 'tag'] as const;

const SECTIONS: [string, readonly string[]][] = [
  ['the top level', TOP_KEYS],
  ['global', GLOBAL_KEYS],
  ['each function', FUNCTION_KEYS],
  ['each layer', LAYER_KEYS],
  ['each image', IMAGE_KEYS],
];

/** Where juni reads `key` ('global, each function'), or undefined for a key it never reads. */
export function placesOf(key: string): string | undefined {
  const places = SECTIONS.filter(([, keys]) => keys.includes(key)).map(([name]) => name);
  return places.length > 0 ? places.join(', ') : undefined;
}

/**
 * The keys juniper read, and where (juniper/cli.py and actions.py of eabglobal/juniper): global
 * `image`, `output`, `pipconf`; each function's or layer's `image`, `include`, `requirements`;
 * top-level `package` (to refuse it). It ignored every other key without a word. One of these
 * names written where juniper never read it (`global.include`, as juniper's own test manifest
 * has) was ignored by juniper, so juni warns and ignores it too; any other unknown key is an error,
 * as it is most likely a typo (`incldue`) that juniper would have silently dropped.
 */
export const JUNIPER_KEYS: Record<string, string> = {
  image: 'global and each function or layer',
  output: 'global',
  pipconf: 'global',
  include: 'each function or layer',
  requirements: 'each function or layer',
};

export const EXECUTORS = ['local', 'docker'] as const;
export const ARCHITECTURES = ['x86_64', 'arm64'] as const;
export const NATIVE_LIBS_MODES = ['check', 'bundle', 'off'] as const;

/** Lambda's current default when only `architecture` is given. */
export const DEFAULT_PYTHON = '3.12';

/**
 * The longest name, in UTF-8 bytes: the temp file written beside a zip,
 * `.NAME.zip.juni-PID-RAND.tmp` (session/output-folder.ts, with Linux's longest pid), must fit in
 * one 255-byte file name, the limit of ext4, APFS, NTFS and most others.
 */
export const MAX_NAME_BYTES = 255 - '..zip.juni-4194304-0123abcd.tmp'.length;

/** A name becomes `<output>/<name>.zip`, so it must be one safe file name. */
export function unsafeNameReason(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name === '.' || name === '..') return `is '${name}'`;
  if (/[/\\]/.test(name)) return 'contains a path separator';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'contains a control character';
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(name))
    return 'contains a lone UTF-16 surrogate (an escape like "\\ud800"), which no file name can hold';
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_NAME_BYTES) return `is ${bytes} bytes long (UTF-8); a name may have at most ${MAX_NAME_BYTES}`;
  return undefined;
}

/**
 * Names that are one file on macOS and Windows, whose file systems ignore case (and, on macOS,
 * Unicode normalization): `Api` and `api` would overwrite each other's zip.
 */
export function foldedName(name: string): string {
  return name.normalize('NFC').toLowerCase();
}
