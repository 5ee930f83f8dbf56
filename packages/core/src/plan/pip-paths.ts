// Owns finding the local paths pip will read that are named in a requirements file or a pip.conf
// (find-links folders, local packages and wheel files, file: URLs), where pip would find them.
// A Docker build sends exactly these (with the requirements closure and the pip.conf) to the
// build container; nothing else of the project. Leaves deciding what to send to
// run/pip-inputs.ts, and the -r/-c closure to requirements-files.ts; reading the two files' syntax
// to pip-req-syntax.ts and pip-conf-syntax.ts.
//
// The rules are pip 23.2-24.x's (req/req_file.py, req/constructors.py, index/sources.py,
// configuration.py). Two things pip does here are left out on purpose, because they depend on the
// build container rather than on this machine: `${VAR}` in a requirements file (expanded from
// pip's environment) and a leading `~` in a pip.conf find-links (expanded when that home folder
// has it). Such a path is reported as written, relative to the manifest folder.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipInstallValues, readIni } from './pip-conf-syntax.js';
import {
  breakArgsOptions,
  logicalLines,
  parseOptions,
  pyStrip,
  shlexSplit,
  slice,
  type PathDest,
  type Placed,
  type Word,
} from './pip-req-syntax.js';

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

/** A path found in a file, before the file's own path is added. */
type Found = Omit<PipPath, 'file'>;

/**
 * The local paths one requirements file names (not its -r/-c lines). `text` is the file's text as
 * read, `file` its absolute path; `manifestDir` is pip's working directory.
 */
export function pipPathsInRequirements(text: string, file: string, manifestDir: string): PipPath[] {
  return logicalLines(text)
    .flatMap((line) => pathsInLine(line, path.dirname(file), manifestDir))
    .map((found) => ({ file, ...found }));
}

/** The local paths a pip.conf names in the sections `pip install` reads ([global], [install]). */
export function pipPathsInPipConf(text: string, file: string, manifestDir: string): PipPath[] {
  const values = pipInstallValues(readIni(text));
  const words = (dest: PathDest): Word[] => values.get(dest) ?? [];
  // --index-url stores its value whole: a value of several words is no URL pip can use.
  const indexUrl = words('index_url').length === 1 ? words('index_url') : [];
  const found = [
    ...words('find_links').map((w) => findLinksPath(w, manifestDir, undefined)),
    ...[...indexUrl, ...words('extra_index_urls')].map((w) => indexPath(w, manifestDir)),
    ...[...words('requirements'), ...words('constraints')].map((w) => requirementsFilePath(w, manifestDir)),
    ...words('editables').map((w) => editablePath(w, manifestDir)),
  ];
  return present(found)
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .map((f) => ({ file, ...f }));
}

/**
 * One logical line: a requirement, or options (handle_option_line). pip takes only the first
 * -e and the first -f of a line, and a line naming -r/-c stands for that file, its other options
 * unread; on a requirement's line the options (--hash...) name no path.
 */
function pathsInLine(line: Placed, reqDir: string, manifestDir: string): Found[] {
  const { args, options } = breakArgsOptions(line);
  if (args.text !== '') return present([requirementPath(args, manifestDir)]);
  const words = shlexSplit(options);
  const opts = words && parseOptions(words);
  if (!opts) return []; // pip stops on a line it cannot read
  const value = (dest: PathDest, i: number): Word | undefined => wordOf(opts.get(dest)?.[i]);
  const editable = value('editables', 0);
  if (editable) return present([editablePath(editable, manifestDir)]);
  if (opts.has('requirements') || opts.has('constraints')) return [];
  const findLinks = value('find_links', 0);
  const indexes = [...(opts.get('index_url') ?? []), ...(opts.get('extra_index_urls') ?? [])];
  return present([
    findLinks && findLinksPath(findLinks, manifestDir, reqDir),
    ...indexes.map((p) => wordOf(p)).map((w) => w && indexPath(w, manifestDir)),
  ]);
}

function present(found: (Found | undefined)[]): Found[] {
  return found.filter((f): f is Found => f !== undefined);
}

function wordOf(p: Placed | undefined): Word | undefined {
  return p && p.text !== '' ? { text: p.text, at: p.at[0]! } : undefined;
}

/**
 * A requirement (parse_req_from_line): a URL (only a file: one is local), a path, an archive file
 * name, or a PEP 508 requirement, local only as `name @ file:...`. Markers go first: a URL's at
 * `; `, anything else's at the first `;`.
 */
function requirementPath(args: Placed, manifestDir: string): Found | undefined {
  const cut = args.text.indexOf(isUrl(args.text) ? '; ' : ';');
  const name = pyStrip(cut < 0 ? args : slice(args, 0, cut));
  const word = wordOf(name);
  if (!word) return undefined;
  if (isUrl(word.text)) return isFileUrl(word.text) ? fileUrlPath(word, manifestDir, 'package') : undefined;
  const bare = { text: stripExtras(word.text), at: word.at };
  const abs = path.resolve(manifestDir, bare.text);
  const direct = isDirectReference(word.text);
  // pip takes a path-like name for a folder when it is one; we take it for one either way, as
  // nothing else but a direct reference (`name @ url`) can be written with a slash.
  if (looksLikePath(word.text) && !direct) return localPath(bare, manifestDir, 'package');
  // An archive name is a file even when missing (pip then fails on it), unless it reads as `name @ url`
  // and no such file exists: the one case pip's answer depends on the file system.
  if (isArchive(abs) && (!direct || isFile(abs))) return localPath(bare, manifestDir, 'package');
  return direct ? directReferencePath(name, manifestDir) : undefined;
}

/** `name @ url` and `name[extras] @ url` (PEP 508): local when the URL is a file: one. */
function directReferencePath(name: Placed, manifestDir: string): Found | undefined {
  const m = /^[A-Za-z0-9][A-Za-z0-9._-]*[ \t]*(\[[^\]]*\])?[ \t]*@[ \t]*/.exec(name.text);
  const url = m && /^[^ \t]+/.exec(name.text.slice(m[0].length));
  if (!m || !url || !isFileUrl(url[0])) return undefined;
  return fileUrlPath({ text: url[0], at: name.at[m[0].length]! }, manifestDir, 'package');
}

/** An editable (parse_editable): a project folder, a file: URL, or a VCS URL (not local). */
function editablePath(w: Word, manifestDir: string): Found | undefined {
  const bare = { text: stripExtras(w.text), at: w.at };
  if (isFileUrl(bare.text)) return fileUrlPath(bare, manifestDir, 'package');
  const vcsShorthand = /^(git|hg|svn|bzr):/i.test(w.text);
  return isUrl(w.text) || vcsShorthand ? undefined : localPath(bare, manifestDir, 'package');
}

/**
 * A find-links location (build_source): a path or a file: URL, against the working directory;
 * from a requirements file, a relative path is first looked for beside that file, and taken from
 * there when it exists there (handle_option_line): the one file-system read of this rule.
 */
function findLinksPath(w: Word, manifestDir: string, reqDir: string | undefined): Found | undefined {
  if (isFileUrl(w.text)) return fileUrlPath(w, manifestDir, 'find-links');
  if (isUrl(w.text)) return undefined;
  const beside = reqDir !== undefined && !path.isAbsolute(w.text) && existsSync(path.join(reqDir, w.text));
  return localPath(w, beside ? reqDir : manifestDir, 'find-links');
}

/** An index URL is local only as a file: URL; pip then reads `<folder>/<project>/`, so all of it. */
function indexPath(w: Word, manifestDir: string): Found | undefined {
  return isFileUrl(w.text) ? fileUrlPath(w, manifestDir, 'package') : undefined;
}

/** A pip.conf `requirement`/`constraint` (get_file_content): an http(s) URL, a file: URL or a path. */
function requirementsFilePath(w: Word, manifestDir: string): Found | undefined {
  if (isFileUrl(w.text)) return fileUrlPath(w, manifestDir, 'requirements');
  return /^https?:/i.test(w.text) ? undefined : localPath(w, manifestDir, 'requirements');
}

function localPath(w: Word, base: string, kind: PipPathKind): Found {
  const { line, column } = w.at;
  return { line, column, text: w.text, abs: path.resolve(base, w.text), kind, absolute: path.isAbsolute(w.text) };
}

function fileUrlPath(w: Word, manifestDir: string, kind: PipPathKind): Found | undefined {
  const p = urlToPath(w.text);
  if (!p) return undefined;
  const { line, column } = w.at;
  return { line, column, text: w.text, abs: path.resolve(manifestDir, p), kind, absolute: path.isAbsolute(p) };
}

/** vcs.all_schemes, pip 23.2-24.x. */
const VCS_SCHEMES = ['bzr+http', 'bzr+https', 'bzr+ssh', 'bzr+sftp', 'bzr+ftp', 'bzr+lp', 'bzr+file', 'git+http']
  .concat(['git+https', 'git+ssh', 'git+git', 'git+file', 'hg+file', 'hg+http', 'hg+https', 'hg+ssh'])
  .concat(['hg+static-http', 'svn+ssh', 'svn+http', 'svn+https', 'svn+svn', 'svn+file']);
const URL_SCHEMES = new Set(['http', 'https', 'file', 'ftp', ...VCS_SCHEMES]);

/** pip's is_url: a scheme (as urlsplit reads one) that pip knows. */
function isUrl(s: string): boolean {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s)?.[1];
  return scheme !== undefined && URL_SCHEMES.has(scheme.toLowerCase());
}

function isFileUrl(s: string): boolean {
  return /^file:/i.test(s);
}

/**
 * url_to_path: the URL's path (no query, no fragment), percent-decoded as UTF-8. Undefined for a
 * host other than localhost, which pip refuses, and for an empty path.
 */
function urlToPath(url: string): string | undefined {
  let rest = url.slice('file:'.length).replace(/[?#].*$/s, '');
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    const host = rest.slice(2, end < 0 ? undefined : end);
    if (host !== '' && host !== 'localhost') return undefined;
    rest = end < 0 ? '' : rest.slice(end);
  }
  const p = rest.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
  return p === '' ? undefined : p;
}

/** _strip_extras: a trailing `[...]`, as `./pkg[dev]` writes the extras of a local project. */
function stripExtras(s: string): string {
  return /^(.+)\[[^\]]+\]$/.exec(s)?.[1] ?? s;
}

/** _looks_like_path on a POSIX pip: a slash, or a leading dot. */
function looksLikePath(s: string): boolean {
  return s.includes('/') || s.startsWith('.');
}

/** What pip reads as `name @ url` rather than a path: an `@`, and no path before it. */
function isDirectReference(s: string): boolean {
  const at = s.indexOf('@');
  return at >= 0 && !looksLikePath(s.slice(0, at));
}

const ARCHIVES = ['.zip', '.whl', '.tar.bz2', '.tbz', '.tar.gz', '.tgz', '.tar', '.tar.xz', '.txz', '.tlz'].concat([
  '.tar.lz',
  '.tar.lzma',
]);

/** is_archive_file: pip's splitext (Python's, leading dots of a name not an extension, plus `.tar`). */
function isArchive(p: string): boolean {
  const name = path.basename(p);
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || /^\.+$/.test(name.slice(0, dot))) return false;
  const base = name.slice(0, dot);
  const ext = (base.toLowerCase().endsWith('.tar') ? base.slice(-4) : '') + name.slice(dot);
  return ARCHIVES.includes(ext.toLowerCase());
}

/** Whether `p` names a file; a name no file can have (a NUL, too long, below a file) names none. */
function isFile(p: string): boolean {
  try {
    return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}
