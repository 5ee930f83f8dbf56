import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Cache, CacheLookup, CacheQuery } from '../cache.js';
import type { StoredResult } from '../results.js';
import { RemoteFallbackCache, type RemoteStore } from './remote-fallback.js';

const zipResult = (key: string): StoredResult => ({
  key,
  kind: 'function',
  name: 'api',
  output: { type: 'zip', sha256: 'a'.repeat(64), bytes: 10, unzippedBytes: 10, contributors: [] },
  inputs: {},
  durationMs: 1,
});

/** A local cache holding `keys`; the server's fetches land in it, as remote-cache.ts does. */
class FakeLocal implements Cache {
  readonly stored = new Map<string, StoredResult>();
  readonly calls: string[] = [];
  get(query: CacheQuery): Promise<CacheLookup> {
    this.calls.push(`get ${query.key}`);
    const result = this.stored.get(query.key);
    return Promise.resolve(result ? { state: 'hit', source: 'local', result } : { state: 'miss' });
  }
  put(result: StoredResult): void {
    this.calls.push(`put ${result.key}`);
    this.stored.set(result.key, result);
  }
  drop(key: string): void {
    this.stored.delete(key);
  }
  touch(): void {}
  flush(): Promise<void> {
    this.calls.push('flush');
    return Promise.resolve();
  }
}

class FakeServer implements RemoteStore {
  readonly calls: string[] = [];
  constructor(
    readonly has_: Set<string>,
    readonly local: FakeLocal,
  ) {}
  fetch(key: string): Promise<StoredResult | undefined> {
    this.calls.push(`fetch ${key}`);
    if (!this.has_.has(key)) return Promise.resolve(undefined);
    const result = zipResult(key);
    this.local.stored.set(key, result);
    return Promise.resolve(result);
  }
  has(key: string): Promise<boolean> {
    this.calls.push(`has ${key}`);
    return Promise.resolve(this.has_.has(key));
  }
  upload(key: string): void {
    this.calls.push(`upload ${key}`);
  }
  flush(): Promise<void> {
    this.calls.push('flush');
    return Promise.resolve();
  }
}

const setup = (local: string[], remote: string[]) => {
  const l = new FakeLocal();
  for (const k of local) l.stored.set(k, zipResult(k));
  const server = new FakeServer(new Set(remote), l);
  return { local: l, server, cache: new RemoteFallbackCache(l, server) };
};
const query = (key: string, need: CacheQuery['need'] = 'artifact', kind: CacheQuery['kind'] = 'function') => ({
  key,
  kind,
  label: `${kind} ${key}`,
  need,
});

test('a local hit never asks the server', async () => {
  const { cache, server } = setup(['k1'], ['k1']);
  const found = await cache.get(query('k1'));
  assert.equal(found.state, 'hit');
  assert.equal(found.state === 'hit' && found.source, 'local');
  assert.deepEqual(server.calls, []);
});

test('a local miss fetches from the server, and later lookups of that key say remote', async () => {
  const { cache, server } = setup([], ['k1']);
  const first = await cache.get(query('k1'));
  assert.equal(first.state === 'hit' && first.source, 'remote');
  assert.equal(first.state === 'hit' && first.result?.key, 'k1');
  const again = await cache.get(query('k1'));
  assert.equal(again.state === 'hit' && again.source, 'remote');
  assert.deepEqual(server.calls, ['fetch k1'], 'fetched once; the second answer came from the local copy');
});

test('a record lookup asks whether the server has it and downloads nothing', async () => {
  const { cache, server } = setup([], ['deps1']);
  const found = await cache.get(query('deps1', 'record', 'deps'));
  assert.deepEqual(found, { state: 'hit', source: 'remote', result: undefined });
  assert.deepEqual(server.calls, ['has deps1']);
});

test('a miss everywhere is a miss', async () => {
  const { cache, server } = setup([], []);
  assert.deepEqual(await cache.get(query('k9')), { state: 'miss' });
  assert.deepEqual(await cache.get(query('k9', 'record', 'deps')), { state: 'miss' });
  assert.deepEqual(server.calls, ['fetch k9', 'has k9']);
});

test('images are never asked of the server: an image ID means nothing on another engine', async () => {
  const { cache, server } = setup([], ['img']);
  assert.deepEqual(await cache.get(query('img', 'result', 'image')), { state: 'miss' });
  assert.deepEqual(server.calls, []);
});

test('a fresh zip or pack is stored locally and uploaded; an image result only locally', async () => {
  const { cache, server, local } = setup([], []);
  cache.put(zipResult('z1'), undefined, 'function api');
  const image: StoredResult = {
    ...zipResult('i1'),
    kind: 'image',
    output: { type: 'image', imageId: 'sha256:1', lambdaFiles: { type: 'tree', files: [], bytes: 0 } },
  };
  cache.put(image, undefined, 'image build');
  assert.deepEqual(local.calls, ['put z1', 'put i1']);
  assert.deepEqual(server.calls, ['upload z1']);
  await cache.flush();
  assert.deepEqual(server.calls, ['upload z1', 'flush'], 'flush waits for the uploads');
  assert.equal(local.calls.at(-1), 'flush');
});
