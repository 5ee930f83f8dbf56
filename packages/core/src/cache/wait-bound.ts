// Owns how long juni waits for a cache another process holds (JUNI_CACHE_WAIT, in seconds), and
// when it says that it is waiting (`pollUntil`). Leaves what is tried to cache-lock.ts and open-cache.ts.
import { setTimeout as sleep } from 'node:timers/promises';

/** Long enough for a cold build to finish before `juni clean` gives up on it; bounded so CI never hangs. */
const DEFAULT_CACHE_WAIT_MS = 300_000;

/** Short waits (another build's write) pass without a word; longer ones are named. */
export const SAY_WAITING_AFTER_MS = 1_000;

/** A day: longer is a mistake, and SQLite refuses busy timeouts over 2^31 ms (24.8 days) outright. */
export const LONGEST_CACHE_WAIT_S = 86_400;

/** Whether `value` is a valid JUNI_CACHE_WAIT: whole or decimal seconds, 0 to a day. */
export function isCacheWait(value: string): boolean {
  return /^\d+(\.\d+)?$/.test(value.trim()) && Number(value) <= LONGEST_CACHE_WAIT_S;
}

/** JUNI_CACHE_WAIT in milliseconds, or the default when it is unset or malformed (builds refuse malformed). */
export function cacheWaitMs(env: NodeJS.ProcessEnv): number {
  const value = env.JUNI_CACHE_WAIT;
  return value !== undefined && isCacheWait(value) ? Math.round(Number(value) * 1000) : DEFAULT_CACHE_WAIT_MS;
}

/**
 * How long one write waits for another process's inside a build. SQLite waits in place, blocking
 * the event loop (Ctrl-C cannot run), so this stays short whatever JUNI_CACHE_WAIT says.
 */
const IN_BUILD_WRITE_WAIT_MS = 30_000;

/** The busy timeout of a build's database: JUNI_CACHE_WAIT, capped at IN_BUILD_WRITE_WAIT_MS. */
export function inBuildWriteWaitMs(waitMs: number): number {
  return Math.min(waitMs, IN_BUILD_WRITE_WAIT_MS);
}

/**
 * Tries `attempt` every 100 ms (without blocking the event loop) until it gives a value, or until
 * `waitMs` has passed or `signal` aborts. `onSlow` is told once: when the wait becomes noticeable
 * (SAY_WAITING_AFTER_MS), or when giving up sooner, so a short JUNI_CACHE_WAIT still names what
 * was waited for.
 */
export async function pollUntil<T>(
  attempt: () => T | undefined,
  wait: { waitMs: number; signal?: AbortSignal | undefined },
  onSlow: () => void,
): Promise<{ ok: true; value: T } | { ok: false; waitedMs: number }> {
  const started = performance.now();
  let told = false;
  for (;;) {
    const value = attempt();
    if (value !== undefined) return { ok: true, value };
    const waited = performance.now() - started;
    const givingUp = waited >= wait.waitMs || wait.signal?.aborted === true;
    if (!told && (givingUp || waited >= SAY_WAITING_AFTER_MS)) {
      told = true;
      onSlow();
    }
    if (givingUp) return { ok: false, waitedMs: waited };
    await sleep(Math.min(100, wait.waitMs - waited));
  }
}
