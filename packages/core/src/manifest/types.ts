// Owns the validated manifest model: what a juniper manifest (plus juni's extensions) means.
// Leaves parsing and validation to validate.ts, and turning it into nodes to the graph.

export type ExecutorKind = 'local' | 'docker';
export type Architecture = 'x86_64' | 'arm64';
/**
 * What a build does about the shared libraries the zip's ELF files need: `check` refuses a zip
 * that needs one Lambda lacks, `bundle` copies them in from where the build ran, `off` looks not.
 */
export type NativeLibsMode = 'check' | 'bundle' | 'off';

import type { Diagnostic, SourcePos } from '../diagnostics.js';

export type { SourcePos };

/**
 * Something in a valid manifest the user should know: `code` names it for scripts
 * (`juniper-ignored-key`: a key juniper ignored, and juni ignores too).
 */
export interface ManifestWarning extends Diagnostic {
  code: 'juniper-ignored-key';
}

/**
 * One `include:` item. `path` is absolute; `spec` is what the user wrote. A folder's contents go
 * under `prefix/` in the zip (its base name; '' for `./`); a file goes to the zip root.
 */
export interface IncludeSpec {
  spec: string;
  path: string;
  kind: 'file' | 'dir';
  prefix: string;
  pos: SourcePos;
}

/** Settings an entry inherits from `global:` and may override. */
export interface BuildSettings {
  executor: ExecutorKind;
  image: string | undefined;
  network: string | undefined;
  exclude: string[];
  keep: string[];
  nativeLibs: NativeLibsMode;
  /** Sonames the runtime provides beyond juni's list (custom runtimes, container images); global ones first. */
  runtimeLibs: string[];
}

/**
 * How a function runs where Lambda would (`juni check`, `juni invoke`); `global:` gives defaults.
 * Nothing here changes a zip.
 */
export interface LambdaSettings {
  /** `module.function`; unset: lambda_function.lambda_handler when the zip has lambda_function.py. */
  handler: string | undefined;
  /** The image to run in; unset: JUNI_RUNTIME_IMAGE, else AWS's Lambda base image. */
  runtimeImage: string | undefined;
  /** MB, as Lambda's memory size (default 128). */
  memorySize: number;
  /** Seconds, as Lambda's timeout (default 3). */
  timeout: number;
  /** The function's variables; a function's add to (and override) the global ones. */
  environment: Record<string, string>;
}

export interface EntrySpec {
  kind: 'function' | 'layer';
  name: string;
  /** Absolute path of the requirements file, if any. */
  requirements: string | undefined;
  includes: IncludeSpec[];
  settings: BuildSettings;
  pos: SourcePos;
}

export interface FunctionSpec extends EntrySpec {
  kind: 'function';
  layers: string[];
  lambda: LambdaSettings;
}

export interface LayerSpec extends EntrySpec {
  kind: 'layer';
}

export interface ImageSpec {
  name: string;
  dockerfile: string;
  context: string;
  args: Record<string, string>;
  target: string | undefined;
  tag: string | undefined;
}

export interface Manifest {
  /** Absolute path of the manifest file. */
  file: string;
  /** Absolute path of the folder holding the manifest; every relative path resolves against it. */
  dir: string;
  /** Absolute path of the output folder. */
  output: string;
  /** What `global.output` says (default './dist') and where, for messages about it. */
  outputSpec: { spec: string; pos: SourcePos };
  /** `global.allow_outside`: absolute paths outside the project that may still be packaged. */
  allowOutside: string[];
  /** Absolute path of the pip.conf, if any. */
  pipconf: string | undefined;
  python: string | undefined;
  architecture: Architecture | undefined;
  functions: FunctionSpec[];
  layers: LayerSpec[];
  images: ImageSpec[];
  /** Problems that do not stop a build, in the order they are written (absent: none). */
  warnings?: ManifestWarning[];
}
