// Owns reading a stored result's output back from its JSON: a row another version, a crash or a
// hand edit left malformed is refused here, so nothing downstream trusts a shape it cannot have.
// Leaves what to do with a refused row (drop it, rebuild) to results.ts.
import type {
  BundledLibrary,
  ElfSummary,
  NodeOutput,
  PackedTreeFile,
  TreeFile,
  TreeOutput,
  ZipOutput,
} from './node-output.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
/** Artifacts are named by it: anything but a sha256 could name a file outside the store. */
const isSha256 = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

/**
 * A relative, '/'-separated path that stays inside its tree when joined to the tree's folder. A
 * backslash is an ordinary character of a POSIX name (pip can install such a file), not a separator.
 */
function isTreePath(v: unknown): v is string {
  if (typeof v !== 'string' || v === '' || v.startsWith('/') || v.includes('\0')) return false;
  return v.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isOptionalString = (v: unknown): boolean => v === undefined || typeof v === 'string';

function isElfSummary(v: unknown): v is ElfSummary {
  return (
    isObject(v) &&
    isCount(v.machine) &&
    (v.class === 32 || v.class === 64) &&
    typeof v.type === 'string' &&
    isStrings(v.needed) &&
    isOptionalString(v.rpath) &&
    isOptionalString(v.runpath) &&
    isOptionalString(v.glibc) &&
    isOptionalString(v.unreadable)
  );
}

function isTreeFile(v: unknown): v is TreeFile {
  return (
    isObject(v) &&
    isTreePath(v.path) &&
    isCount(v.size) &&
    typeof v.exec === 'boolean' &&
    (v.elf === undefined || isElfSummary(v.elf))
  );
}

function isBundled(v: unknown): v is BundledLibrary {
  return (
    isObject(v) && typeof v.soname === 'string' && typeof v.from === 'string' && isTreePath(v.path) && isCount(v.bytes)
  );
}

function isPackedTreeFile(v: unknown): v is PackedTreeFile {
  return (
    isObject(v) &&
    isTreeFile(v) &&
    isCount(v.offset) &&
    isCount(v.compressedSize) &&
    isCount(v.crc32) &&
    isCount(v.method)
  );
}

function isTree(v: unknown): v is TreeOutput {
  return isObject(v) && v.type === 'tree' && Array.isArray(v.files) && v.files.every(isTreeFile) && isCount(v.bytes);
}

function isZip(v: Json): v is Json & ZipOutput {
  return (
    isSha256(v.sha256) &&
    isCount(v.bytes) &&
    isCount(v.unzippedBytes) &&
    Array.isArray(v.contributors) &&
    v.contributors.every((c) => isObject(c) && typeof c.name === 'string' && isCount(c.bytes)) &&
    (v.bundled === undefined || (Array.isArray(v.bundled) && v.bundled.every(isBundled))) &&
    (v.libNames === undefined || isStrings(v.libNames)) &&
    (v.deferred === undefined ||
      (Array.isArray(v.deferred) &&
        v.deferred.every((d) => isObject(d) && typeof d.file === 'string' && typeof d.soname === 'string')))
  );
}

/** The output stored as `json`, or undefined when it is not JSON or not the shape of any output. */
export function parseNodeOutput(json: string): NodeOutput | undefined {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return undefined; // not JSON at all: the caller treats the row as never stored
  }
  return nodeOutputOf(v);
}

/**
 * `v` as an output, or undefined when it has the shape of none: the one check for outputs read
 * back from the database and from a remote cache's artifacts alike.
 */
export function nodeOutputOf(v: unknown): NodeOutput | undefined {
  if (!isObject(v)) return undefined;
  switch (v.type) {
    case 'zip':
      return isZip(v) ? v : undefined;
    case 'tree':
      return isTree(v) ? v : undefined;
    case 'pack': {
      const pack = v.pack;
      const ok =
        Array.isArray(v.files) &&
        v.files.every(isPackedTreeFile) &&
        isCount(v.bytes) &&
        isObject(pack) &&
        isSha256(pack.sha256) &&
        isCount(pack.bytes);
      return ok ? (v as unknown as NodeOutput) : undefined;
    }
    case 'image':
      return typeof v.imageId === 'string' && v.imageId !== '' && isTree(v.lambdaFiles)
        ? (v as unknown as NodeOutput)
        : undefined;
    case 'check':
      return typeof v.handler === 'string' &&
        typeof v.python === 'string' &&
        typeof v.imageId === 'string' &&
        isCount(v.initMs) &&
        v.result === undefined &&
        v.invokeMs === undefined
        ? (v as unknown as NodeOutput)
        : undefined;
    default:
      return undefined;
  }
}
