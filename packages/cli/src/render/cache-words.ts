// Owns the words for a cache juni could not use: held by another process, damaged, or refused by
// the machine; and for waiting on builds. Leaves finding these to @juni/core.
import { holdersWords, unreachable, type CacheProblem } from '@juni/core';

export function describeCacheProblem(p: CacheProblem): { message: string; hint: string } {
  switch (p.reason) {
    case 'cache-busy': {
      const after = `gave up after ${Math.round(p.waitedMs / 1000)} s`;
      const raise = 'JUNI_CACHE_WAIT=<seconds> waits longer';
      switch (p.heldBy) {
        case 'database':
          return {
            message: `the cache at ${p.file} is locked by another process${holdersWords(p.holders)}; ${after}`,
            hint: `if that is juni, let it finish; otherwise end it, or build with another cache (JUNI_CACHE_DIR). ${raise}`,
          };
        case 'upkeep':
          return {
            message: `juni clean or juni cache prune is still working on the cache${holdersWords(p.holders)}; ${after}`,
            hint: `run the build again when it has finished. ${raise}`,
          };
        case 'builds':
          return {
            message: `builds are still using the cache${holdersWords(p.holders)}; ${after}`,
            hint: `run it again when they have finished. ${raise}`,
          };
        default:
          return unreachable(p.heldBy);
      }
    }
    case 'cache-damaged':
      return {
        message: `the cache database ${p.file} is damaged (${p.message})`,
        hint: 'juni build moves it aside and starts a fresh cache; juni clean removes it',
      };
    case 'cache-unusable':
      return { message: `cannot use the cache folder ${p.dir}: ${p.message}`, hint: p.hint };
    default:
      return unreachable(p);
  }
}
