import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BuildEvent, BuildReport, NodeRef } from '@juni/core';
import { PlainRenderer, summaryLine } from './plain.js';

const api: NodeRef = { id: 'function:api', kind: 'function', name: 'api', key: 'k-api' };
const deps: NodeRef = { id: 'deps:requirements.txt', kind: 'deps', name: 'requirements.txt', key: 'k-deps' };
const layer: NodeRef = { id: 'layer:base', kind: 'layer', name: 'base', key: 'k-base' };

function render(events: BuildEvent[], verbose: boolean): string[] {
  const lines: string[] = [];
  const renderer = new PlainRenderer({ write: (line) => lines.push(line), verbose });
  for (const event of events) renderer.onEvent(event);
  return lines;
}

function reportWith(summary: Partial<BuildReport['summary']>): BuildReport {
  return {
    ok: true,
    nodes: [],
    warnings: [],
    summary: { built: 0, cached: 0, failed: 0, skipped: 0, durationMs: 0, bytesWritten: 0, ...summary },
  };
}

test('one line per planned build, started node and built node, with its outputs', () => {
  const lines = render(
    [
      { type: 'build-planned', nodes: [deps, api], filesRead: 1 },
      { type: 'node-start', node: api },
      {
        type: 'node-built',
        node: api,
        durationMs: 1500,
        outputs: [{ path: 'dist/api.zip', sha256: 'x', bytes: 2048 }],
      },
    ],
    false,
  );
  assert.deepEqual(lines, [
    'juni: 2 nodes planned (1 file read)',
    '  ... function api',
    '  ok  function api built in 1.5s -> dist/api.zip (2.0 KiB)',
  ]);
});

test('a failure is printed with its details, a skip with what it waited for', () => {
  const lines = render(
    [
      {
        type: 'node-failed',
        node: deps,
        durationMs: 40,
        failure: { reason: 'pip-failed', exitCode: 2, signal: null, logTail: ['ERROR: no such package'] },
      },
      { type: 'node-skipped', node: layer, because: 'deps requirements.txt' },
      { type: 'warning', message: 'images were not checked', code: 'images-unchecked' },
    ],
    false,
  );
  assert.deepEqual(lines, [
    '  ERR deps requirements.txt failed after 40ms',
    '      pip exited with code 2',
    '        | ERROR: no such package',
    '  --  layer base skipped: deps requirements.txt did not build',
    '  warning: images were not checked',
  ]);
});

test('local cache hits and logs are shown only with --verbose; remote hits always', () => {
  const events: BuildEvent[] = [
    { type: 'cache-hit', node: deps, cache: 'local', outputs: [] },
    { type: 'cache-hit', node: layer, cache: 'remote', outputs: [] },
    { type: 'log', node: deps, line: 'Collecting six' },
  ];
  assert.deepEqual(render(events, false), ['  ok  layer base (from the remote cache)']);
  assert.deepEqual(render(events, true), [
    '  ok  deps requirements.txt (cached)',
    '  ok  layer base (from the remote cache)',
    '      [requirements.txt] Collecting six',
  ]);
});

test('finish writes one summary line; failed and skipped counts only when there are some', async () => {
  const lines: string[] = [];
  const renderer = new PlainRenderer({ write: (line) => lines.push(line), verbose: false });
  await renderer.finish(reportWith({ built: 2, cached: 3, durationMs: 2500, bytesWritten: 3 * 1024 * 1024 }));
  assert.deepEqual(lines, ['juni: 2 built, 3 cached in 2.5s; 3.0 MiB written']);
  assert.equal(
    summaryLine(reportWith({ built: 1, failed: 1, skipped: 2, durationMs: 80, bytesWritten: 10 })),
    'juni: 1 built, 0 cached, 1 failed, 2 skipped in 80ms; 10 B written',
  );
});
