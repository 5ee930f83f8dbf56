import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BuildReport } from '@juni/core';
import { errorJson, reportJson } from './json.js';

const report: BuildReport = {
  ok: false,
  nodes: [
    {
      id: 'deps:requirements.txt',
      kind: 'deps',
      name: 'requirements.txt',
      key: 'k1',
      status: 'cached',
      durationMs: 1,
      outputs: [],
      cache: 'remote',
    },
    {
      id: 'layer:base',
      kind: 'layer',
      name: 'base',
      key: 'k2',
      status: 'failed',
      durationMs: 30,
      outputs: [],
      failure: { reason: 'io-error', message: 'disk full', hint: 'free some space' },
    },
    {
      id: 'function:api',
      kind: 'function',
      name: 'api',
      key: 'k3',
      status: 'skipped',
      durationMs: 0,
      outputs: [],
      skippedBecause: 'layer:base',
    },
    {
      id: 'function:worker',
      kind: 'function',
      name: 'worker',
      key: 'k4',
      status: 'built',
      durationMs: 12,
      outputs: [{ path: 'dist/worker.zip', sha256: 'ab', bytes: 5321 }],
    },
  ],
  warnings: [{ code: 'images-unchecked', message: 'could not check images' }],
  summary: { built: 1, cached: 1, failed: 1, skipped: 1, durationMs: 240, bytesWritten: 5321 },
};

test('reportJson: one JSON object with ok, nodes, warnings and summary', () => {
  const text = reportJson(report);
  const parsed = JSON.parse(text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed), ['ok', 'nodes', 'warnings', 'summary']);
  assert.equal(parsed.ok, false);
  assert.deepEqual(parsed.warnings, report.warnings);
  assert.deepEqual(parsed.summary, report.summary);
  // Pretty-printed by default.
  assert.ok(text.includes('\n  "nodes": ['));
});

test('reportJson: each node has its fields, and cache, failure and skippedBecause only when set', () => {
  const nodes = (JSON.parse(reportJson(report)) as { nodes: Record<string, unknown>[] }).nodes;
  assert.deepEqual(nodes[0], {
    kind: 'deps',
    name: 'requirements.txt',
    status: 'cached',
    key: 'k1',
    durationMs: 1,
    outputs: [],
    cache: 'remote',
  });
  assert.deepEqual(nodes[1]?.failure, { reason: 'io-error', message: 'disk full', hint: 'free some space' });
  assert.equal(nodes[2]?.skippedBecause, 'layer:base');
  assert.deepEqual(nodes[3], {
    kind: 'function',
    name: 'worker',
    status: 'built',
    key: 'k4',
    durationMs: 12,
    outputs: [{ path: 'dist/worker.zip', sha256: 'ab', bytes: 5321 }],
  });
});

test('reportJson compact: the same object on one line (one line per build with --watch)', () => {
  const compact = reportJson(report, { compact: true });
  assert.equal(compact.includes('\n'), false);
  assert.deepEqual(JSON.parse(compact), JSON.parse(reportJson(report)));
});

test('errorJson: ok false with the message or the diagnostics', () => {
  assert.deepEqual(JSON.parse(errorJson({ message: 'no manifest' })), { ok: false, message: 'no manifest' });
  const diagnostics = [{ file: 'manifest.yml', line: 3, column: 5, message: 'bad', hint: 'fix it' }];
  assert.deepEqual(JSON.parse(errorJson({ diagnostics })), { ok: false, diagnostics });
});
