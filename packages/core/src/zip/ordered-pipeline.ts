// Owns running an async step over a list with bounded read-ahead while consuming results strictly
// in order: the shape of "compress many files on every core, write them one after another".
// Leaves what the steps do to the callers.

export interface PipelineLimits {
  /** Items started but not yet consumed, at most. */
  maxAhead: number;
  /** Sum of `weight` of those items, at most (at least one item is always allowed). */
  maxWeight: number;
}

/** Calls `load` ahead of time (bounded), then `consume` for each item in list order. */
export async function inOrder<T, R>(
  items: readonly T[],
  limits: PipelineLimits,
  weight: (item: T) => number,
  load: (item: T) => Promise<R>,
  consume: (item: T, result: R) => Promise<void> | void,
): Promise<void> {
  const started: (Promise<R> | undefined)[] = [];
  let next = 0;
  let aheadWeight = 0;
  const fill = (consumed: number): void => {
    while (next < items.length) {
      const ahead = next - consumed;
      const w = weight(items[next]!);
      if (ahead > 0 && (ahead >= limits.maxAhead || aheadWeight + w > limits.maxWeight)) break;
      const p = load(items[next]!);
      // Failures surface when the item is consumed; until then keep them from being "unhandled".
      p.catch(() => undefined);
      started.push(p);
      aheadWeight += w;
      next++;
    }
  };
  try {
    for (let i = 0; i < items.length; i++) {
      fill(i);
      const result = await started[i]!;
      aheadWeight -= weight(items[i]!);
      started[i] = undefined; // let the result be collected once written
      await consume(items[i]!, result);
    }
  } finally {
    // Let loads already in flight settle before the caller closes files under them.
    await Promise.allSettled(started.filter((p): p is Promise<R> => p !== undefined));
  }
}
