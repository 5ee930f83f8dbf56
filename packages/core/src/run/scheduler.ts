// Owns running a DAG of tasks in topological order, at most `concurrency` at once, skipping the
// dependents of a failed task. Leaves what a task does to its run function.

export interface Task<R> {
  id: string;
  upstream: readonly string[];
  run: () => Promise<R>;
}

export type TaskOutcome<R> = { state: 'done'; value: R } | { state: 'skipped'; because: string };

/**
 * Runs every task once its upstream tasks are done and `isSuccess` of their values holds; a task
 * whose upstream did not succeed is skipped (naming the first such upstream). Tasks must not throw.
 */
export async function runTasks<R>(
  tasks: readonly Task<R>[],
  options: { concurrency: number; isSuccess: (value: R) => boolean; onSkip?: (id: string, because: string) => void },
): Promise<Map<string, TaskOutcome<R>>> {
  const outcomes = new Map<string, TaskOutcome<R>>();
  const byId = new Map(tasks.map((t) => [t.id, t]));
  // Upstreams outside the list (not selected) do not block.
  const waitingOn = new Map(tasks.map((t) => [t.id, new Set(t.upstream.filter((u) => byId.has(u)))]));
  const dependents = new Map<string, string[]>();
  for (const t of tasks) for (const u of waitingOn.get(t.id)!) dependents.set(u, [...(dependents.get(u) ?? []), t.id]);
  // Tasks come in topological order: keep that order among the ready ones.
  const ready = tasks.filter((t) => waitingOn.get(t.id)!.size === 0).map((t) => t.id);
  let running = 0;

  return new Promise((resolve) => {
    const finish = (id: string, outcome: TaskOutcome<R>): void => {
      outcomes.set(id, outcome);
      const ok = outcome.state === 'done' && options.isSuccess(outcome.value);
      for (const d of dependents.get(id) ?? []) {
        if (outcomes.has(d)) continue;
        if (!ok) {
          options.onSkip?.(d, id);
          finish(d, { state: 'skipped', because: id });
          continue;
        }
        const left = waitingOn.get(d)!;
        left.delete(id);
        if (left.size === 0) ready.push(d);
      }
    };
    const pump = (): void => {
      while (running < options.concurrency && ready.length > 0) {
        const id = ready.shift()!;
        if (outcomes.has(id)) continue;
        running++;
        void byId
          .get(id)!
          .run()
          .then((value) => {
            running--;
            finish(id, { state: 'done', value });
            pump();
          });
      }
      if (running === 0 && ready.length === 0) resolve(outcomes);
    };
    pump();
  });
}
