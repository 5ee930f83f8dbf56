// Owns the interface between a build's events and what the user sees.
// Leaves the concrete outputs to plain.ts, tty.ts and json.ts.
import type { BuildEvent, BuildReport } from '@juni/core';

export interface Renderer {
  onEvent(event: BuildEvent): void;
  /** Called once with the final report; resolves when everything is printed. */
  finish(report: BuildReport): Promise<void>;
}
