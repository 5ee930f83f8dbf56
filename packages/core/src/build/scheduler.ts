// Owns running a DAG of tasks in topological order, at most `concurrency` at once, skipping the
// dependents of a failed task. Leaves what a task does to its run function.

export interface Task<R> {
  id: string;
  upstream: readonly string[];
  run: () => Promise<R>;
}

export type TaskOutcome<R> =
  | { state: 'done'; value: R }
  | { state: 'skipped'; because: string };

/**
 * Runs every task once its upstream tasks are done and `isSuccess` of their values holds; a task
 * whose upstream did not succeed is skipped (naming the first such upstream). Tasks must not throw.
 */
export async function runTasks<R>(
  tasks: readonly Task<R>[],
  options: { concurrency: number; isSuccess: (value: R) => boolean; onSkip?: (id: string, because: string) => void },
): Promise<Map<string, TaskOutcome<R>>> {
  const outcomes = new Map<string, TaskOutcome<R>>();
  const waiting = new Map(tasks.map((t) => [t.id, t]));
  const known = new Set(tasks.map((t) => t.id));
  let running = 0;

  return new Promise((resolve) => {
    const pump = (): void => {
      let progress = true;
      while (progress) {
        progress = false;
        progress = step();
      }
      if (waiting.size === 0 && running === 0) resolve(outcomes);
    };
    /** One pass over the waiting tasks; true when a skip may have unblocked others. */
    const step = (): boolean => {
      let skipped = false;
      for (const task of [...waiting.values()]) {
        const ups = task.upstream.filter((u) => known.has(u));
        const blocked = ups.find((u) => {
          const o = outcomes.get(u);
          return o !== undefined && (o.state === 'skipped' || !options.isSuccess(o.value));
        });
        if (blocked !== undefined) {
          waiting.delete(task.id);
          outcomes.set(task.id, { state: 'skipped', because: blocked });
          options.onSkip?.(task.id, blocked);
          skipped = true;
          continue;
        }
        if (running >= options.concurrency || !ups.every((u) => outcomes.has(u))) continue;
        waiting.delete(task.id);
        running++;
        void task.run().then((value) => {
          outcomes.set(task.id, { state: 'done', value });
          running--;
          pump();
        });
      }
      return skipped;
    };
    pump();
  });
}
