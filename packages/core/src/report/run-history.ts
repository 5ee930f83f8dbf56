// Owns the run history: which key each node had in each run, so a later "why did this rebuild"
// can compare a node's key with its previous one. Leaves explaining to the CLI.
import type { CacheDatabase } from '../cache/database.js';
import type { BuildReport } from './events.js';

export function recordRun(db: CacheDatabase, manifestFile: string, report: BuildReport): void {
  const insertRun = db.prepare('INSERT INTO runs (manifest, started_at, finished_at, summary) VALUES (?, ?, ?, ?)');
  const insertNode = db.prepare('INSERT INTO run_nodes (run_id, node_id, key, status) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    const now = Date.now();
    const { lastInsertRowid } = insertRun.run(
      manifestFile,
      now - report.summary.durationMs,
      now,
      JSON.stringify(report.summary),
    );
    for (const n of report.nodes) insertNode.run(lastInsertRowid, n.id, n.key, n.status);
  })();
}
