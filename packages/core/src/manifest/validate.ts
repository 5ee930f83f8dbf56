// Owns turning a parsed YAML document into a validated Manifest, collecting every problem.
// Leaves finding and reading the file to load.ts, and the key lists to schema.ts.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { isScalar, isSeq, type Document, type LineCounter, type Node, type YAMLMap } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { didYouMean } from './did-you-mean.js';
import { isWithin, realPathLoose } from '../fs/real-path.js';
import {
  ARCHITECTURES,
  DEFAULT_PYTHON,
  EXECUTORS,
  FUNCTION_KEYS,
  GLOBAL_KEYS,
  IMAGE_KEYS,
  LAYER_KEYS,
  TOP_KEYS,
  unsafeNameReason,
} from './schema.js';
import type { BuildSettings, FunctionSpec, ImageSpec, IncludeSpec, LayerSpec, Manifest } from './types.js';
import { YamlReader } from './yaml-reader.js';

type YMap = YAMLMap<Node, Node | null>;

/**
 * Every path the validation relied on, and what it was ('not-file': a folder or nothing, as the
 * output folder must be): a memo of the result holds while these do.
 */
export type CheckedPaths = Map<string, CheckedKind>;
export type CheckedKind = 'file' | 'dir' | 'not-file';

export type ValidateResult =
  { ok: true; manifest: Manifest; checked: CheckedPaths } | { ok: false; diagnostics: Diagnostic[] };

export interface ValidateOptions {
  /** Absolute path of the manifest file. */
  file: string;
  /** How the file is named in diagnostics (as the user gave it). */
  displayFile: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** Validates a parsed manifest; returns every diagnostic, never only the first. */
export function validateManifest(options: ValidateOptions): ValidateResult {
  return new ManifestValidator(options).run();
}

class ManifestValidator {
  readonly #r: YamlReader;
  readonly #file: string;
  readonly #dir: string;
  readonly #doc: Document.Parsed;
  readonly #checked: CheckedPaths = new Map();

  constructor(options: ValidateOptions) {
    this.#r = new YamlReader({ file: options.displayFile, lines: options.lines });
    this.#file = options.file;
    this.#dir = path.dirname(options.file);
    this.#doc = options.doc;
  }

  run(): ValidateResult {
    const r = this.#r;
    for (const error of this.#doc.errors) {
      r.reportAt(
        error.pos[0],
        `YAML syntax error: ${error.message.split('\n')[0] ?? ''}`,
        'check the indentation and the quoting on this line',
      );
    }
    if (this.#doc.errors.length > 0) return { ok: false, diagnostics: r.diagnostics };
    const top = this.#doc.contents;
    if (!top || (isScalar(top) && top.value === null)) {
      r.reportAt(0, 'the manifest is empty', 'add a functions: or layers: section');
      return { ok: false, diagnostics: r.diagnostics };
    }
    const root = r.map(top, 'the manifest');
    if (!root) return { ok: false, diagnostics: r.diagnostics };
    r.checkKeys(root, TOP_KEYS, 'the manifest');
    this.#checkDeprecatedPackage(root);

    const global = r.map(r.get(root, 'global'), 'global');
    if (global) r.checkKeys(global, GLOBAL_KEYS, 'global');
    const defaults = this.#settings(global, 'global', undefined);
    const output = this.#output(global);
    const pipconf = this.#existingPath(r.get(global, 'pipconf'), 'global.pipconf', 'file');
    const allowOutside = (r.stringList(r.get(global, 'allow_outside'), 'global.allow_outside') ?? [])
      .map((item) => this.#existingPath(item.node, 'global.allow_outside', 'any'))
      .filter((p): p is string => p !== undefined);
    const { python, architecture } = this.#target(global);

    const images = this.#images(r.map(r.get(root, 'images'), 'images'));
    const layers = this.#entries(r.map(r.get(root, 'layers'), 'layers'), 'layer', defaults) as LayerSpec[];
    const functions = this.#entries(
      r.map(r.get(root, 'functions'), 'functions'),
      'function',
      defaults,
    ) as FunctionSpec[];
    this.#checkNames(root, functions, layers);
    if (functions.length === 0 && layers.length === 0 && r.diagnostics.length === 0) {
      r.report(
        top,
        'the manifest defines no functions and no layers',
        'add a functions: section, e.g.\n    functions:\n      api:\n        include: [./src/]',
      );
    }
    if (r.diagnostics.length > 0 || output === undefined) return { ok: false, diagnostics: r.diagnostics };
    return {
      ok: true,
      manifest: {
        file: this.#file,
        dir: this.#dir,
        output: output.path,
        outputSpec: output.spec,
        allowOutside,
        pipconf,
        python,
        architecture,
        functions,
        layers,
        images,
      },
      checked: this.#checked,
    };
  }

  #checkDeprecatedPackage(root: YMap): void {
    const pkg = this.#r.keyNode(root, 'package');
    if (pkg === undefined) return;
    this.#r.report(pkg, "'package' is no longer supported", "move 'package.output' to 'global.output'");
  }

  /** Where zips go. Whether that folder is safe to clean is checked at every build (build/output-safety.ts). */
  #output(global: YMap | undefined): { path: string; spec: Manifest['outputSpec'] } | undefined {
    const node = this.#r.get(global, 'output');
    const spec = this.#r.string(node, 'global.output') ?? './dist';
    const output = path.resolve(this.#dir, spec);
    // Also checked (with the rest of the output rules) at every build, as symlinks can change;
    // here so that it is reported with the manifest's other problems.
    if (isWithin(realPathLoose(this.#dir), realPathLoose(output))) {
      this.#r.report(
        node ?? global,
        `global.output '${spec}' is the manifest folder or contains it`,
        'use a folder of its own, e.g. ./dist',
      );
      return undefined;
    }
    if (statSync(output, { throwIfNoEntry: false })?.isDirectory() === false) {
      const where = node ?? global ?? this.#doc.contents;
      this.#r.report(
        where,
        `the output folder '${spec}' is a file; zips are written into a folder there`,
        node
          ? 'move the file away, or set global.output to another folder'
          : 'move the file away, or set global.output to a folder, e.g. ./build',
      );
      return undefined;
    }
    this.#checked.set(output, 'not-file');
    return { path: output, spec: { spec, pos: this.#r.pos(node ?? global ?? this.#doc.contents) } };
  }

  #target(global: YMap | undefined): Pick<Manifest, 'python' | 'architecture'> {
    const r = this.#r;
    const pythonNode = r.get(global, 'python');
    let python = r.string(pythonNode, 'global.python');
    if (python !== undefined && !/^3\.\d+$/.test(python)) {
      r.report(
        pythonNode,
        `global.python must be a Python 3 version like "3.12", not '${python}'`,
        'quote it: python: "3.12"',
      );
      python = undefined;
    }
    const architecture = r.oneOf(r.get(global, 'architecture'), 'global.architecture', ARCHITECTURES);
    if (python === undefined && architecture === undefined) return { python: undefined, architecture: undefined };
    return { python: python ?? DEFAULT_PYTHON, architecture: architecture ?? 'x86_64' };
  }

  #settings(map: YMap | undefined, where: string, inherited: BuildSettings | undefined): BuildSettings {
    const r = this.#r;
    const list = (key: string): string[] | undefined =>
      r.stringList(r.get(map, key), `${where}.${key}`)?.map((item) => item.value);
    return {
      executor: r.oneOf(r.get(map, 'executor'), `${where}.executor`, EXECUTORS) ?? inherited?.executor ?? 'docker',
      image: r.string(r.get(map, 'image'), `${where}.image`) ?? inherited?.image,
      network: r.string(r.get(map, 'network'), `${where}.network`) ?? inherited?.network,
      exclude: [...(inherited?.exclude ?? []), ...(list('exclude') ?? [])],
      keep: [...(inherited?.keep ?? []), ...(list('keep') ?? [])],
    };
  }

  #entries(
    section: YMap | undefined,
    kind: 'function' | 'layer',
    defaults: BuildSettings,
  ): (FunctionSpec | LayerSpec)[] {
    const r = this.#r;
    const out: (FunctionSpec | LayerSpec)[] = [];
    for (const pair of section?.items ?? []) {
      const name = r.keyOf(pair);
      if (name === undefined) continue;
      const where = `${kind === 'function' ? 'functions' : 'layers'}.${name}`;
      const unsafe = unsafeNameReason(name);
      if (unsafe)
        r.report(
          pair.key,
          `${kind} name '${name}' ${unsafe}; it becomes the zip's file name`,
          'use letters, digits, dots, dashes and underscores',
        );
      const body = pair.value === null ? undefined : r.map(pair.value, where);
      if (body) r.checkKeys(body, kind === 'function' ? FUNCTION_KEYS : LAYER_KEYS, where);
      const includeNode = r.get(body, 'include');
      if (kind === 'function' && (includeNode === undefined || includeNode === null)) {
        r.report(
          pair.key,
          `function '${name}' has no include`,
          `add the files to package, e.g.\n    include:\n      - ./src/${name}/`,
        );
      }
      const includes = this.#includes(includeNode, `${where}.include`);
      if (kind === 'function' && isSeq(includeNode) && includeNode.items.length === 0) {
        r.report(includeNode, `function '${name}' has an empty include list`, 'list at least one file or folder');
      }
      const base = {
        name,
        requirements: this.#existingPath(r.get(body, 'requirements'), `${where}.requirements`, 'file'),
        includes: includes ?? [],
        settings: this.#settings(body, where, defaults),
        pos: r.pos(pair.key),
      };
      if (kind === 'layer') {
        out.push({ ...base, kind: 'layer' });
      } else {
        const layers = r.stringList(r.get(body, 'layers'), `${where}.layers`) ?? [];
        out.push({ ...base, kind: 'function', layers: layers.map((l) => l.value) });
      }
    }
    return out;
  }

  #includes(node: Node | null | undefined, where: string): IncludeSpec[] | undefined {
    const items = this.#r.stringList(node, where);
    if (!items) return undefined;
    const out: IncludeSpec[] = [];
    for (const { value, node: itemNode } of items) {
      const abs = this.#existingPath(itemNode, `include`, 'any');
      if (abs === undefined) continue;
      const kind = this.#checked.get(abs) === 'dir' ? 'dir' : 'file';
      const base = path.basename(value.replace(/[/\\]+$/, ''));
      const prefix = kind === 'dir' && base !== '.' && base !== '..' && base !== '' ? base : '';
      out.push({ spec: value, path: abs, kind, prefix, pos: this.#r.pos(itemNode) });
    }
    return out;
  }

  /** Resolves a path value against the manifest folder and reports it when it does not exist. */
  #existingPath(node: Node | null | undefined, what: string, want: 'file' | 'dir' | 'any'): string | undefined {
    const spec = this.#r.string(node, what);
    if (spec === undefined) return undefined;
    const abs = path.resolve(this.#dir, spec);
    if (!existsSync(abs)) {
      const shown = what.split('.').pop() ?? what;
      this.#r.report(
        node,
        `${shown} '${spec}' does not exist`,
        `paths are relative to the manifest folder (${this.#dir}); ${nearby(abs)}`,
      );
      return undefined;
    }
    const isDir = statSync(abs).isDirectory();
    this.#checked.set(abs, isDir ? 'dir' : 'file');
    if (want !== 'any' && isDir !== (want === 'dir')) {
      this.#r.report(
        node,
        `${what} '${spec}' is a ${isDir ? 'folder' : 'file'}, expected a ${want === 'dir' ? 'folder' : 'file'}`,
      );
      return undefined;
    }
    return abs;
  }

  #images(section: YMap | undefined): ImageSpec[] {
    const r = this.#r;
    const out: ImageSpec[] = [];
    for (const pair of section?.items ?? []) {
      const name = r.keyOf(pair);
      const body = r.map(pair.value, `images.${name ?? '?'}`);
      if (name === undefined || !body) continue;
      const where = `images.${name}`;
      r.checkKeys(body, IMAGE_KEYS, where);
      const dockerfileNode = r.get(body, 'dockerfile');
      if (dockerfileNode === undefined)
        r.report(pair.key, `image '${name}' has no dockerfile`, 'add dockerfile: ./docker/Dockerfile');
      const contextNode = r.get(body, 'context');
      out.push({
        name,
        dockerfile: this.#existingPath(dockerfileNode, `${where}.dockerfile`, 'file') ?? '',
        context:
          contextNode === undefined ? this.#dir : (this.#existingPath(contextNode, `${where}.context`, 'dir') ?? ''),
        args: r.stringMap(r.get(body, 'args'), `${where}.args`) ?? {},
        target: r.string(r.get(body, 'target'), `${where}.target`),
        tag: r.string(r.get(body, 'tag'), `${where}.tag`),
      });
    }
    return out;
  }

  /** One zip per name: a function and a layer may not share one; every listed layer must exist. */
  #checkNames(root: YMap, functions: FunctionSpec[], layers: LayerSpec[]): void {
    const r = this.#r;
    const layerNames = layers.map((l) => l.name);
    const functionsMap = r.get(root, 'functions') as YMap | undefined;
    for (const fn of functions) {
      if (layerNames.includes(fn.name)) {
        r.reportPos(
          fn.pos,
          `'${fn.name}' is both a function and a layer; both would write ${fn.name}.zip`,
          'rename one of them',
        );
      }
      const fnBody = r.get(functionsMap, fn.name) as YMap | undefined;
      const layerItems = r.stringList(r.get(fnBody, 'layers'), 'layers') ?? [];
      for (const item of layerItems) {
        if (layerNames.includes(item.value)) continue;
        const guess = didYouMean(item.value, layerNames);
        r.report(
          item.node,
          `function '${fn.name}' lists layer '${item.value}', which is not defined under layers:`,
          guess ? `did you mean '${guess}'?` : `defined layers: ${layerNames.join(', ') || 'none'}`,
        );
      }
    }
  }
}

/** A short hint about what does exist next to a missing path. */
function nearby(abs: string): string {
  const parent = path.dirname(abs);
  if (!existsSync(parent)) return `the folder ${path.basename(parent)}/ does not exist either`;
  const guess = didYouMean(path.basename(abs), readdirSafe(parent));
  return guess ? `did you mean '${guess}'?` : 'check the spelling';
}

function readdirSafe(dir: string): string[] {
  // Only used to word a hint: an unreadable folder just means no suggestion.
  return statSync(dir).isDirectory() ? readdirSync(dir) : [];
}
