// Owns the list of keys each manifest section accepts: juniper's schema plus juni's extensions.
// Leaves checking values to validate.ts.

/** Keys shared by `global:` and every entry (the entry's value overrides the global one). */
const SETTINGS = ['image', 'executor', 'network', 'exclude', 'keep'] as const;

export const TOP_KEYS = ['global', 'functions', 'layers', 'images', 'package'] as const;
export const GLOBAL_KEYS = [...SETTINGS, 'output', 'pipconf', 'python', 'architecture', 'allow_outside'] as const;
export const LAYER_KEYS = [...SETTINGS, 'requirements', 'include'] as const;
export const FUNCTION_KEYS = [...LAYER_KEYS, 'layers'] as const;
export const IMAGE_KEYS = ['dockerfile', 'context', 'args', 'target', 'tag'] as const;

export const EXECUTORS = ['local', 'docker'] as const;
export const ARCHITECTURES = ['x86_64', 'arm64'] as const;

/** Lambda's current default when only `architecture` is given. */
export const DEFAULT_PYTHON = '3.12';

/** A name becomes `<output>/<name>.zip`, so it must be one safe file name. */
export function unsafeNameReason(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name === '.' || name === '..') return `is '${name}'`;
  if (/[/\\]/.test(name)) return 'contains a path separator';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(name)) return 'contains a control character';
  return undefined;
}
