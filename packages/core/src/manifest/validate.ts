// Owns turning a parsed YAML document into a validated Manifest, collecting every problem.
// Leaves finding and reading the file to load.ts, the key lists to schema.ts, paths to path-checks.ts.
import path from 'node:path';
import { isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { didYouMean } from './did-you-mean.js';
import { checkEntryNames } from './entry-names.js';
import { PathChecker, type CheckedPaths } from './path-checks.js';
import { readLambdaSettings } from './lambda-settings.js';
import { YamlResolver } from './resolve-yaml.js';
import {
  ARCHITECTURES,
  NATIVE_LIBS_MODES,
  DEFAULT_PYTHON,
  EXECUTORS,
  FUNCTION_KEYS,
  GLOBAL_KEYS,
  IMAGE_KEYS,
  JUNIPER_KEYS,
  LAYER_KEYS,
  placesOf,
  TOP_KEYS,
} from './schema.js';
import type {
  BuildSettings,
  FunctionSpec,
  ImageSpec,
  IncludeSpec,
  LambdaSettings,
  LayerSpec,
  Manifest,
} from './types.js';
import { isEmpty, YamlReader, type KeyPolicy } from './yaml-reader.js';

export type { CheckedKind, CheckedPaths } from './path-checks.js';

type YMap = YAMLMap<Node, Node | null>;

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
  readonly #paths: PathChecker;
  /** Each function's `layers:` items, for checking them once every layer is known. */
  readonly #layerRefs: { fn: string; items: { value: string; node: Node }[] }[] = [];

  constructor(options: ValidateOptions) {
    this.#r = new YamlReader({ file: options.displayFile, lines: options.lines });
    this.#file = options.file;
    this.#dir = path.dirname(options.file);
    this.#doc = options.doc;
    this.#paths = new PathChecker({ reader: this.#r, dir: this.#dir });
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
    if (isEmpty(top)) {
      r.reportAt(0, 'the manifest is empty', 'add a functions: or layers: section');
      return { ok: false, diagnostics: r.diagnostics };
    }
    const root = this.#resolve(top as Node);
    if (!root) return { ok: false, diagnostics: r.diagnostics };
    this.#checkDeprecatedPackage(root);

    const global = r.map(r.get(root, 'global'), 'global');
    if (global) r.checkKeys(global, this.#policy(GLOBAL_KEYS, 'global'));
    const defaults = this.#settings(global, 'global', undefined);
    const lambdaDefaults = readLambdaSettings(r, global, 'global', 'global', undefined);
    const output = this.#paths.output(r.get(global, 'output'), global ?? top);
    const pipconf = this.#paths.existing(r.get(global, 'pipconf'), 'global.pipconf', 'file', 'pip.conf');
    const allowOutside = (r.stringList(r.get(global, 'allow_outside'), 'global.allow_outside') ?? [])
      .map((item) => this.#paths.existing(item.node, 'global.allow_outside', 'file-or-dir'))
      .filter((p): p is string => p !== undefined);
    const { python, architecture } = this.#target(global);

    const images = this.#images(r.map(r.get(root, 'images'), 'images'));
    const layers = this.#entries(r.map(r.get(root, 'layers'), 'layers'), 'layer', defaults) as LayerSpec[];
    const functions = this.#entries(
      r.map(r.get(root, 'functions'), 'functions'),
      'function',
      defaults,
      lambdaDefaults,
    ) as FunctionSpec[];
    checkEntryNames(r, [...functions, ...layers]);
    this.#checkLayerRefs(layers);
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
        ...output,
        allowOutside,
        pipconf,
        python,
        architecture,
        functions,
        layers,
        images,
        warnings: r.warnings,
      },
      checked: this.#paths.checked,
    };
  }

  /** The top mapping with aliases and merges applied, its keys checked. */
  #resolve(top: Node): YMap | undefined {
    const r = this.#r;
    const resolver = new YamlResolver(this.#doc);
    // Before resolving: afterwards an alias's target would count as defined where it is used.
    const holders = new Set<unknown>();
    if (r.map(top, 'the manifest')) {
      for (const pair of (top as YMap).items) if (resolver.definesUsedAnchor(pair.value)) holders.add(pair);
    } else return undefined;
    const root = resolver.resolve(top) as YMap;
    for (const problem of resolver.problems) {
      if (problem.reason === 'alias-cycle')
        r.report(
          problem.node,
          'this alias refers to a node that contains it',
          'an anchor cannot be used inside itself',
        );
      else
        r.report(
          problem.node,
          'a merge key (<<) takes a mapping or a list of mappings',
          'write <<: *name, or <<: [*a, *b], where each &name marks a mapping',
        );
    }
    // A top-level key that only holds shared anchors (x-defaults: &defaults {...}) is no typo:
    // juniper ignored it, and it is the usual place for them.
    r.checkKeys(root, { ...this.#policy(TOP_KEYS, 'the manifest'), quiet: (pair) => holders.has(pair) });
    return root;
  }

  /** juniper's keys out of place are warnings; other unknown keys errors (see JUNIPER_KEYS). */
  #policy(known: readonly string[], where: string): KeyPolicy {
    const juniper = where === 'global' || where === 'the manifest' || /^(functions|layers)\./.test(where);
    return {
      known,
      where,
      ignoredHint: (key) => {
        const places = juniper ? JUNIPER_KEYS[key] : undefined;
        if (places === undefined) return undefined;
        const share =
          key === 'include' || key === 'requirements' ? ' (a YAML anchor and alias can share one value)' : '';
        return `juniper and juni read ${key} under ${places}${share}: move it there, or delete it`;
      },
      elsewhere: placesOf,
    };
  }

  #checkDeprecatedPackage(root: YMap): void {
    const pkg = this.#r.keyNode(root, 'package');
    if (pkg === undefined) return;
    this.#r.report(pkg, "'package' is no longer supported", "move 'package.output' to 'global.output'");
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
      nativeLibs:
        r.oneOf(r.get(map, 'native_libs'), `${where}.native_libs`, NATIVE_LIBS_MODES) ??
        inherited?.nativeLibs ??
        'check',
      runtimeLibs: [...(inherited?.runtimeLibs ?? []), ...this.#sonames(map, `${where}.runtime_libs`)],
    };
  }

  /** `runtime_libs:` items are sonames the loader looks up by name (`libfoo.so.1`), never paths. */
  #sonames(map: YMap | undefined, what: string): string[] {
    const r = this.#r;
    const out: string[] = [];
    for (const item of r.stringList(r.get(map, 'runtime_libs'), what) ?? []) {
      if (/^[^/\\\s]+\.so(\.[0-9A-Za-z_]+)*$/.test(item.value)) out.push(item.value);
      else {
        r.report(
          item.node,
          `${what} lists '${item.value}', which is not a library's soname`,
          'write the name the loader looks for, as readelf -d shows it (NEEDED): libfoo.so.1',
        );
      }
    }
    return out;
  }

  #entries(
    section: YMap | undefined,
    kind: 'function' | 'layer',
    defaults: BuildSettings,
    lambdaDefaults?: LambdaSettings,
  ): (FunctionSpec | LayerSpec)[] {
    const out: (FunctionSpec | LayerSpec)[] = [];
    for (const pair of section?.items ?? []) {
      const entry = this.#entry(pair, kind, defaults, lambdaDefaults);
      if (entry) out.push(entry);
    }
    return out;
  }

  #entry(
    pair: Pair<Node, Node | null>,
    kind: 'function' | 'layer',
    defaults: BuildSettings,
    lambdaDefaults: LambdaSettings | undefined,
  ): FunctionSpec | LayerSpec | undefined {
    const r = this.#r;
    const name = r.keyOf(pair);
    if (name === undefined) return undefined;
    const where = `${kind === 'function' ? 'functions' : 'layers'}.${name}`;
    const empty = isEmpty(pair.value);
    const body = empty ? undefined : this.#body(pair.value, where);
    if (!empty && !body) return undefined;
    if (body) r.checkKeys(body, this.#policy(kind === 'function' ? FUNCTION_KEYS : LAYER_KEYS, where));
    const includeNode = r.get(body, 'include');
    if (kind === 'function' && isEmpty(includeNode)) {
      r.report(
        pair.key,
        `function '${name}' has no include`,
        `add the files to package, e.g.\n    include:\n      - ./src/${name}/`,
      );
    }
    const includes = isEmpty(includeNode) ? [] : this.#includes(includeNode, `${where}.include`);
    if (kind === 'function' && isSeq(includeNode) && includeNode.items.length === 0) {
      r.report(includeNode, `function '${name}' has an empty include list`, 'list at least one file or folder');
    }
    const base = {
      name,
      requirements: this.#paths.existing(
        r.get(body, 'requirements'),
        `${where}.requirements`,
        'file',
        'requirements.txt',
      ),
      includes: includes ?? [],
      settings: this.#settings(body, where, defaults),
      pos: r.pos(pair.key),
    };
    if (kind === 'layer') return { ...base, kind: 'layer' };
    const layers = r.stringList(r.get(body, 'layers'), `${where}.layers`) ?? [];
    this.#layerRefs.push({ fn: name, items: layers });
    const lambda = readLambdaSettings(r, body, where, 'function', lambdaDefaults);
    return { ...base, kind: 'function', layers: layers.map((l) => l.value), lambda };
  }

  /** An entry's mapping; a string, a list or a number there is reported with an example. */
  #body(node: Node | null, where: string): YMap | undefined {
    if (isScalar(node) || isSeq(node)) {
      const name = where.split('.').slice(1).join('.');
      this.#r.report(
        node,
        `${where} must be a mapping of settings, not ${isSeq(node) ? 'a list' : 'a single value'}`,
        `write it as\n    ${name}:\n      include:\n        - ./src/${name}/`,
      );
      return undefined;
    }
    return this.#r.map(node, where);
  }

  #includes(node: Node | null | undefined, where: string): IncludeSpec[] | undefined {
    const items = this.#r.stringList(node, where);
    if (!items) return undefined;
    const out: IncludeSpec[] = [];
    for (const { value, node: itemNode } of items) {
      const abs = this.#paths.existing(itemNode, `include`, 'file-or-dir');
      if (abs === undefined) continue;
      const kind = this.#paths.checked.get(abs) === 'dir' ? 'dir' : 'file';
      const base = path.basename(value.replace(/[/\\]+$/, ''));
      const prefix = kind === 'dir' && base !== '.' && base !== '..' && base !== '' ? base : '';
      out.push({ spec: value, path: abs, kind, prefix, pos: this.#r.pos(itemNode) });
    }
    return out;
  }

  #images(section: YMap | undefined): ImageSpec[] {
    const r = this.#r;
    const out: ImageSpec[] = [];
    for (const pair of section?.items ?? []) {
      const name = r.keyOf(pair);
      const body = r.map(pair.value, `images.${name ?? '?'}`);
      if (name === undefined || !body) continue;
      const where = `images.${name}`;
      r.checkKeys(body, this.#policy(IMAGE_KEYS, where));
      const dockerfileNode = r.get(body, 'dockerfile');
      if (dockerfileNode === undefined)
        r.report(pair.key, `image '${name}' has no dockerfile`, 'add dockerfile: ./docker/Dockerfile');
      const contextNode = r.get(body, 'context');
      out.push({
        name,
        dockerfile: this.#paths.existing(dockerfileNode, `${where}.dockerfile`, 'file', 'Dockerfile') ?? '',
        context:
          contextNode === undefined ? this.#dir : (this.#paths.existing(contextNode, `${where}.context`, 'dir') ?? ''),
        args: r.stringMap(r.get(body, 'args'), `${where}.args`) ?? {},
        target: r.string(r.get(body, 'target'), `${where}.target`),
        tag: r.string(r.get(body, 'tag'), `${where}.tag`),
      });
    }
    return out;
  }

  /** Every layer a function lists must be defined under layers:. */
  #checkLayerRefs(layers: LayerSpec[]): void {
    const layerNames = layers.map((l) => l.name);
    for (const { fn, items } of this.#layerRefs) {
      for (const item of items) {
        if (layerNames.includes(item.value)) continue;
        const guess = didYouMean(item.value, layerNames);
        this.#r.report(
          item.node,
          `function '${fn}' lists layer '${item.value}', which is not defined under layers:`,
          guess ? `did you mean '${guess}'?` : `defined layers: ${layerNames.join(', ') || 'none'}`,
        );
      }
    }
  }
}
