// Owns the settings of a function's run where Lambda would (`juni check`, `juni invoke`):
// `handler`, `runtime_image`, `memory_size`, `timeout` and `environment`, read from `global:` and
// each function and checked against what Lambda itself accepts. Leaves the other keys to validate.ts.
import { isScalar, type Node, type YAMLMap } from 'yaml';
import type { LambdaSettings } from './types.js';
import type { YamlReader } from './yaml-reader.js';

type YMap = YAMLMap<Node, Node | null>;

/** Lambda's defaults for a function created without them. */
export const DEFAULT_MEMORY_MB = 128;
export const DEFAULT_TIMEOUT_SECONDS = 3;
const MEMORY_RANGE = [128, 10240] as const;
const TIMEOUT_RANGE = [1, 900] as const;

/** What Lambda's Python runtime accepts: `module.function`, packages joined by dots or slashes. */
const HANDLER = /^[A-Za-z_][A-Za-z0-9_]*([./][A-Za-z_][A-Za-z0-9_]*)*\.[A-Za-z_][A-Za-z0-9_]*$/;

/** Lambda's rule for variable names. */
const VARIABLE = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Variables Lambda sets itself and refuses in a function's configuration: juni sets them as
 * Lambda would (and never sets credentials), so the manifest cannot either.
 */
const RESERVED = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);

/**
 * The settings of `map` (global or a function), over `inherited`; a function's `environment`
 * adds to the global one, variable by variable.
 */
export function readLambdaSettings(
  r: YamlReader,
  map: YMap | undefined,
  where: string,
  section: 'global' | 'function',
  inherited: LambdaSettings | undefined,
): LambdaSettings {
  // Only a function has a handler (a global one is an unknown key, reported by the key check).
  const handlerNode = section === 'function' ? r.get(map, 'handler') : undefined;
  let handler = r.string(handlerNode, `${where}.handler`);
  if (handler !== undefined && !HANDLER.test(handler)) {
    r.report(
      handlerNode,
      `${where}.handler must be module.function, as Lambda writes it, not '${handler}'`,
      'for example: handler: app.handler (the function handler in app.py), or handler: pkg.app.handler',
    );
    handler = undefined;
  }
  const runtimeImage = r.string(r.get(map, 'runtime_image'), `${where}.runtime_image`);
  if (runtimeImage === '')
    r.report(
      r.get(map, 'runtime_image'),
      `${where}.runtime_image is empty`,
      'name an image, e.g. runtime_image: my/runtime:3.12',
    );
  return {
    handler,
    runtimeImage: runtimeImage || inherited?.runtimeImage,
    memorySize:
      whole(r, r.get(map, 'memory_size'), `${where}.memory_size`, MEMORY_RANGE, 'MB') ??
      inherited?.memorySize ??
      DEFAULT_MEMORY_MB,
    timeout:
      whole(r, r.get(map, 'timeout'), `${where}.timeout`, TIMEOUT_RANGE, 'seconds') ??
      inherited?.timeout ??
      DEFAULT_TIMEOUT_SECONDS,
    environment: { ...inherited?.environment, ...variables(r, r.get(map, 'environment'), `${where}.environment`) },
  };
}

function whole(
  r: YamlReader,
  node: Node | null | undefined,
  what: string,
  [min, max]: readonly [number, number],
  unit: string,
): number | undefined {
  const text = r.string(node, what);
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  r.report(
    node,
    `${what} must be a whole number of ${unit} from ${min} to ${max} (Lambda's range), not '${text}'`,
    `for example: ${what.split('.').pop() ?? what}: ${min === 1 ? 30 : 512}`,
  );
  return undefined;
}

function variables(r: YamlReader, node: Node | null | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  const map = node === undefined || node === null ? undefined : r.map(node, what);
  for (const pair of map?.items ?? []) {
    const name = r.keyOf(pair);
    if (name === undefined) continue;
    if (!isScalar(pair.value) || pair.value.value === null) {
      r.report(
        pair.value ?? pair.key,
        `${what}.${name} must be a value (a string or a number), not ${isScalar(pair.value) ? 'empty' : 'a list or a mapping'}`,
        `for example: ${name}: "value" (Lambda's variables are strings)`,
      );
      continue;
    }
    const value = r.string(pair.value, `${what}.${name}`);
    if (!VARIABLE.test(name)) {
      r.report(
        pair.key,
        `${what} has '${name}', which Lambda does not accept as a variable name`,
        'a name starts with a letter and has only letters, digits and _',
      );
    } else if (RESERVED.has(name)) {
      r.report(
        pair.key,
        `${what} sets ${name}, which Lambda reserves and sets itself`,
        'remove it: juni sets it as Lambda does (and never passes AWS credentials)',
      );
    } else if (value !== undefined) out[name] = value;
  }
  return out;
}
