// Owns the Diagnostic shape (a user-facing problem with a place in a file) and its text rendering.
// Leaves collecting diagnostics to the manifest validator and printing them to the CLI.

/** A 1-based place in a file. */
export interface SourcePos {
  line: number;
  column: number;
}

/** A problem in a user's input, located in a file. Lines and columns are 1-based. */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
  /** What to do about it. Required: a problem a user cannot act on is only half reported. */
  hint: string;
}

/**
 * Renders `file:line:col message`, the offending source line with a caret under the column, and
 * the hint. Never throws, also for positions outside the source.
 */
export function formatDiagnostic(diagnostic: Diagnostic, source?: string): string {
  const { file, line, column, message, hint } = diagnostic;
  const out = [`${file}:${line}:${column} ${message}`];
  const sourceLine = source?.split(/\r?\n/)[line - 1];
  if (sourceLine !== undefined) {
    const gutter = `${line} | `;
    out.push(`  ${gutter}${sourceLine}`);
    out.push(`  ${' '.repeat(gutter.length + Math.max(0, column - 1))}^`);
  }
  out.push(`  hint: ${hint}`);
  return out.join('\n');
}

/** Orders diagnostics by file, then position, so reports read top to bottom. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}
