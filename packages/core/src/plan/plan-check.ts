// Owns a check node's key (`juni check`, `build --check`, `juni invoke`): the function's and its
// layers' zips by key, the runtime image by ID, the handler and the limits it runs under. Leaves
// running it to run/run-check.ts and the other kinds' keys to plan.ts.
import { createHmac, randomBytes } from 'node:crypto';
import type { CacheDatabase } from '../cache/database.js';
import type { ImageResult, ImageTask } from '../executors/docker-support.js';
import { LAMBDA_RUNNER_VERSION } from '../executors/lambda-run.js';
import type { CheckNode } from '../graph/nodes.js';
import type { Hasher } from '../hash/xxhash.js';
import type { ImageRefs } from './image-refs.js';
import { keyOf, makeBreakdown, type KeyBreakdown } from './node-key.js';

/** Lambda's Python runtime's handler when the function names none (and the file it lives in). */
const DEFAULT_HANDLER = 'lambda_function.lambda_handler';
const DEFAULT_HANDLER_FILE = 'lambda_function.py';

/** The handler a check runs, or the zip's top-level modules to suggest when there is none. */
export type PlannedHandler = { handler: string } | { handler: undefined; modules: string[] };

/** What planning knows of a node upstream of a check. */
interface Upstream {
  key: string;
  node: { name: string };
  files: readonly { archivePath: string }[];
}

export interface PlannedCheck {
  key: string;
  breakdown: KeyBreakdown;
  handler: PlannedHandler;
  /** The runtime image's reference, as messages name it. */
  runtimeRef: string;
  /** An external runtime image's ID, or why it could not be had. */
  resolved?: ImageResult;
}

export async function planCheck(
  ctx: { hasher: Hasher; db: CacheDatabase },
  node: CheckNode,
  planned: ReadonlyMap<string, Upstream>,
  images: ImageRefs,
  task: ImageTask,
): Promise<PlannedCheck> {
  const fn = planned.get(node.functionId)!;
  const handler = handlerOf(node, fn);
  const upstream: Record<string, string> = { function: fn.key };
  for (const id of node.layerIds) upstream[id] = planned.get(id)!.key;
  let runtime: Record<string, string>;
  let resolved: ImageResult | undefined;
  let runtimeRef: string;
  if (node.runtime.type === 'node') {
    const image = planned.get(node.runtime.imageId)!;
    upstream.runtime = image.key;
    runtimeRef = image.node.name;
    runtime = { runtime_image: runtimeRef };
  } else {
    runtimeRef = node.runtime.ref;
    resolved = await images.resolve(node.runtime.ref, task);
    // A re-pulled runtime image is another runtime: the handler is checked again.
    runtime = {
      runtime_image: node.runtime.ref,
      runtime_image_id: resolved.ok ? resolved.imageId : `unresolved:${resolved.failure.reason}`,
    };
  }
  const { lambda } = node.spec;
  const breakdown = makeBreakdown('check', {
    config: {
      mode: node.event === undefined ? 'import' : 'invoke',
      handler: handler.handler ?? 'unset',
      // A later layer's file replaces an earlier one's at /opt: the order is an input.
      layer_order: node.layerIds.map((id) => planned.get(id)!.node.name),
      ...runtime,
      python: node.target.python ?? null,
      architecture: node.target.architecture ?? 'x86_64',
      memory_size: lambda.memorySize,
      timeout: lambda.timeout,
      environment: environmentId(ctx.db, lambda.environment),
      runner: LAMBDA_RUNNER_VERSION,
    },
    files: {},
    upstream,
  });
  return { key: keyOf(ctx.hasher, breakdown), breakdown, handler, runtimeRef, ...(resolved ? { resolved } : {}) };
}

/**
 * The variables' names, and one digest of their values: a value may be a secret, and the
 * breakdown is stored in the cache and shown by `juni why`. The digest is an HMAC keyed by this
 * cache's own random salt, so it cannot be tested against guessed values without the cache's
 * database (check results never leave it: the remote cache does not share them).
 */
function environmentId(db: CacheDatabase, environment: Record<string, string>): string {
  const names = Object.keys(environment).sort();
  if (names.length === 0) return 'none';
  const values = createHmac('sha256', environmentSalt(db))
    .update(JSON.stringify(names.map((n) => [n, environment[n]])))
    .digest('hex')
    .slice(0, 16);
  return `${names.join(', ')} (values ${values})`;
}

const SALT_KEY = 'environment-salt';

const salts = new WeakMap<CacheDatabase, string>();

/** Read (or made) once per open database, not once per check. */
function environmentSalt(db: CacheDatabase): string {
  let salt = salts.get(db);
  if (salt === undefined) salts.set(db, (salt = storedSalt(db)));
  return salt;
}

function storedSalt(db: CacheDatabase): string {
  const stored = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(SALT_KEY);
  if (stored) return stored.value;
  const salt = randomBytes(32).toString('hex');
  // Another build may have stored one meanwhile: theirs wins, and both use it.
  db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(SALT_KEY, salt);
  return db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(SALT_KEY)?.value ?? salt;
}

function handlerOf(node: CheckNode, fn: Upstream): PlannedHandler {
  if (node.spec.lambda.handler !== undefined) return { handler: node.spec.lambda.handler };
  const topLevel = fn.files.map((f) => f.archivePath).filter((p) => !p.includes('/'));
  if (topLevel.includes(DEFAULT_HANDLER_FILE)) return { handler: DEFAULT_HANDLER };
  const modules = topLevel
    .filter((p) => p.endsWith('.py') && p !== '__init__.py')
    .map((p) => p.slice(0, -3))
    .sort();
  return { handler: undefined, modules };
}
