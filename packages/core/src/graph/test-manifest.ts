// Owns the manifests the graph's unit tests build from: entries with juni's default settings under
// /proj, so a new setting is added here once, not in every test. Test support only.
import type { BuildSettings, FunctionSpec, ImageSpec, LayerSpec, Manifest } from '../manifest/types.js';

export const DIR = '/proj';
const pos = { line: 1, column: 1 };

export function settings(over: Partial<BuildSettings> = {}): BuildSettings {
  return {
    executor: 'docker',
    image: undefined,
    network: undefined,
    exclude: [],
    keep: [],
    nativeLibs: 'check',
    runtimeLibs: [],
    ...over,
  };
}

interface EntryParts {
  /** Relative to DIR. */
  requirements?: string;
  settings?: Partial<BuildSettings>;
}

function entry(name: string, over: EntryParts) {
  return {
    name,
    requirements: over.requirements === undefined ? undefined : `${DIR}/${over.requirements}`,
    includes: [],
    settings: settings(over.settings),
    pos,
  };
}

export function fn(name: string, over: EntryParts & { layers?: string[]; runtimeImage?: string } = {}): FunctionSpec {
  const lambda = { handler: undefined, runtimeImage: over.runtimeImage, memorySize: 128, timeout: 3, environment: {} };
  return { kind: 'function', ...entry(name, over), layers: over.layers ?? [], lambda };
}

export function layer(name: string, over: EntryParts = {}): LayerSpec {
  return { kind: 'layer', ...entry(name, over) };
}

export function image(name: string, tag?: string): ImageSpec {
  return { name, dockerfile: `${DIR}/${name}/Dockerfile`, context: DIR, args: {}, target: undefined, tag };
}

export function manifest(parts: Partial<Manifest>): Manifest {
  return {
    file: `${DIR}/manifest.yml`,
    dir: DIR,
    output: `${DIR}/dist`,
    outputSpec: { spec: './dist', pos },
    allowOutside: [],
    pipconf: undefined,
    python: undefined,
    architecture: undefined,
    functions: [],
    layers: [],
    images: [],
    ...parts,
  };
}
