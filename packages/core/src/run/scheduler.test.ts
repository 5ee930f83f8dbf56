import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runTasks, type Task } from './scheduler.js';

/** A controllable fake task: records when it ran, finishes when told to. */
function fakeTasks(spec: Record<string, { upstream?: string[]; ok?: boolean }>) {
  const log: string[] = [];
  let running = 0;
  let peak = 0;
  const tasks: Task<boolean>[] = Object.entries(spec).map(([id, s]) => ({
    id,
    upstream: s.upstream ?? [],
    run: async () => {
      running++;
      peak = Math.max(peak, running);
      log.push(`start ${id}`);
      await new Promise((r) => setImmediate(r));
      running--;
      log.push(`end ${id}`);
      return s.ok ?? true;
    },
  }));
  return { tasks, log, peak: () => peak };
}

test('runs every task after its upstream tasks', async () => {
  const { tasks, log } = fakeTasks({ deps: {}, layer: { upstream: ['deps'] }, fn: { upstream: ['deps', 'layer'] } });
  const outcomes = await runTasks(tasks, { concurrency: 4, isSuccess: (v) => v });
  assert.deepEqual(log, ['start deps', 'end deps', 'start layer', 'end layer', 'start fn', 'end fn']);
  assert.equal(
    [...outcomes.values()].every((o) => o.state === 'done'),
    true,
  );
});

test('never runs more than `concurrency` tasks at once', async () => {
  const spec = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, {}]));
  const { tasks, peak } = fakeTasks(spec);
  await runTasks(tasks, { concurrency: 3, isSuccess: (v) => v });
  assert.equal(peak(), 3);
});

test('skips the dependents of a failed task, transitively, and still runs the rest', async () => {
  const { tasks, log } = fakeTasks({
    deps: { ok: false },
    layer: { upstream: ['deps'] },
    fn: { upstream: ['layer'] },
    other: {},
  });
  const skipped: string[] = [];
  const outcomes = await runTasks(tasks, {
    concurrency: 2,
    isSuccess: (v) => v,
    onSkip: (id, because) => skipped.push(`${id}<-${because}`),
  });
  assert.deepEqual(skipped, ['layer<-deps', 'fn<-layer']);
  assert.deepEqual(outcomes.get('fn'), { state: 'skipped', because: 'layer' });
  assert.ok(log.includes('end other'));
  assert.ok(!log.includes('start layer'));
});

test('an upstream outside the task list does not block', async () => {
  const { tasks } = fakeTasks({ fn: { upstream: ['not-selected'] } });
  const outcomes = await runTasks(tasks, { concurrency: 1, isSuccess: (v) => v });
  assert.equal(outcomes.get('fn')?.state, 'done');
});
