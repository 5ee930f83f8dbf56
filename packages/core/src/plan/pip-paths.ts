// Owns finding the local paths pip will read that are named in a requirements file or a pip.conf
// (find-links folders, local packages and wheel files, file: URLs), where pip would find them.
// A Docker build sends exactly these (with the requirements closure and the pip.conf) to the
// build container; nothing else of the project. Leaves deciding what to send to
// run/pip-inputs.ts, and the -r/-c closure to requirements-files.ts.

/**
 * How pip reads a path:
 * - `find-links`: a folder pip lists flat (only the files directly in it), or one archive file;
 * - `package`: a project folder pip builds (all of it), or an archive file (.whl, .tar.gz, .zip...);
 * - `requirements`: a file of requirements or constraints named in the pip.conf (`requirement`,
 *   `constraint`), which pip reads as it reads `-r`/`-c`.
 */
export type PipPathKind = 'find-links' | 'package' | 'requirements';

export interface PipPath {
  /** Absolute path of the requirements file or pip.conf that names it. */
  file: string;
  /** 1-based place of the path's first character in that file. */
  line: number;
  column: number;
  /** As written (a `file:` URL as written too). */
  text: string;
  /**
   * Where pip finds it on this machine when run with the manifest folder as its working
   * directory: absolute, normalised.
   */
  abs: string;
  kind: PipPathKind;
  /** Written as an absolute path or an absolute `file:` URL, rather than relative to a folder. */
  absolute: boolean;
}

/**
 * The local paths one requirements file names (not its -r/-c lines). `text` is the file's text as
 * read, `file` its absolute path; `manifestDir` is pip's working directory.
 */
export function pipPathsInRequirements(text: string, file: string, manifestDir: string): PipPath[] {
  void text;
  void file;
  void manifestDir;
  throw new Error('to be written (contract)');
}

/** The local paths a pip.conf names in the sections `pip install` reads ([global], [install]). */
export function pipPathsInPipConf(text: string, file: string, manifestDir: string): PipPath[] {
  void text;
  void file;
  void manifestDir;
  throw new Error('to be written (contract)');
}
