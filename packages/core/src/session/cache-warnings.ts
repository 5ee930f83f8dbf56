// Owns the sentences a build says about its cache while it runs: waiting for another process, and
// a damaged database moved aside. Leaves failures (data, worded by the CLI) to prepare.ts.
import { holdersWords } from '../cache/lock-holders.js';
import type { CacheBusy, HealedCache } from '../cache/open-cache.js';

export function waitingMessage(wait: Omit<CacheBusy, 'reason' | 'waitedMs'>, waitMs: number): string {
  const bound = `giving up after ${Math.round(waitMs / 1000)} s (JUNI_CACHE_WAIT)`;
  switch (wait.heldBy) {
    case 'database':
      return `waiting for the cache at ${wait.file}, which another process holds${holdersWords(wait.holders)}; ${bound}`;
    case 'upkeep':
      return `waiting for juni clean or juni cache prune${holdersWords(wait.holders)} to finish with the cache; ${bound}`;
    case 'builds':
      return (
        `waiting for the other builds using the cache${holdersWords(wait.holders)} to finish ` +
        `before moving its damaged database aside; ${bound}`
      );
  }
}

export function healedMessage(healed: HealedCache): string {
  return (
    `the cache database was damaged (${healed.cause}); moved it aside to ${healed.movedTo} ` +
    'and building without the cache (its stored results and artifacts are not trusted)'
  );
}
