// Owns the shapes of what a node produces (a zip, a pack, a tree, an image, a check), as stored with its
// result. Leaves storing them to results.ts and reading them back safely to result-shape.ts.
import type { ElfSummary } from '../native/elf-summary.js';

export type { ElfSummary } from '../native/elf-summary.js';

/** A library `native_libs: bundle` copied into a zip. */
export interface BundledLibrary {
  soname: string;
  /** Where it was found: a path in the build image, or on the host for the local executor. */
  from: string;
  /** Its path in the zip (the soname at a function's root, or under a layer's lib/). */
  path: string;
  bytes: number;
}

/** What a layer or function produced: one zip, stored content-addressed. */
export interface ZipOutput {
  type: 'zip';
  sha256: string;
  bytes: number;
  /** Sum of the entries' sizes: what counts against Lambda's 250 MB unzipped limit. */
  unzippedBytes: number;
  /** The largest top-level packages or folders, biggest first (for "what to trim"). */
  contributors: { name: string; bytes: number }[];
  /** What native_libs: bundle added (absent: nothing). */
  bundled?: BundledLibrary[];
  /** A layer's: the names of the files in its lib/ (/opt/lib), which functions listing it can load. */
  libNames?: string[];
  /**
   * A layer's: needs its files have that the layer alone does not meet, left to the functions
   * that list it (another layer's lib/ may hold them). Only when some function lists the layer.
   */
  deferred?: { file: string; soname: string }[];
}

/** One file of an installed tree (path relative to the tree, '/'-separated). */
export interface TreeFile {
  path: string;
  size: number;
  exec: boolean;
  /** Set when the file is ELF (an install's files are read once, when installed). */
  elf?: ElfSummary;
}

/** A file of a packed tree: where its compressed data sits in the pack. */
export interface PackedTreeFile extends TreeFile {
  offset: number;
  compressedSize: number;
  crc32: number;
  method: number;
}

/** Files kept as a folder (an image's lambda_lib/lambda_bin). */
export interface TreeOutput {
  type: 'tree';
  files: TreeFile[];
  bytes: number;
}

/** What a deps node produced: the installed packages, compressed once into a pack. */
export interface PackOutput {
  type: 'pack';
  files: PackedTreeFile[];
  /** Unpacked size of all files. */
  bytes: number;
  pack: { sha256: string; bytes: number };
}

/** What an image node produced: the image ID, and its lambda_lib/lambda_bin files (under lib/ and bin/). */
export interface ImageOutput {
  type: 'image';
  imageId: string;
  lambdaFiles: TreeOutput;
}

/** How a handler ran in its runtime image: imported (a check), and for an invoke, called. */
export interface HandlerRun {
  handler: string;
  /** The runtime's Python, "3.12.7". */
  python: string;
  /** The runtime image's ID. */
  imageId: string;
  /** How long the import took in the container. */
  initMs: number;
  /** An invoke's: what the handler returned, as JSON text, and how long it ran. */
  result?: string;
  invokeMs?: number;
}

/** What a check node produced: its handler imported. Nothing is stored but this record. */
export interface CheckOutput extends HandlerRun {
  type: 'check';
}

export type NodeOutput = ZipOutput | TreeOutput | PackOutput | ImageOutput | CheckOutput;
