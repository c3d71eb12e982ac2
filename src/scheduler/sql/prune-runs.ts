import type { Queryable } from './queryable';

/** Arbitrary, fixed key: one pruner at a time across all instances. */
const PRUNE_LOCK_KEY = 727_073_690_002;

/**
 * Deletes up to `batch` finished runs older than the retention, never the latest run of a job.
 * Runs in a transaction holding an advisory lock; returns null when another instance holds it.
 */
export async function pruneRuns(transaction: Queryable, retentionDays: number, batch: number): Promise<number | null> {
  const { rows: lock } = await transaction.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
    PRUNE_LOCK_KEY,
  ]);
  if (!lock[0].locked) return null;
  const { rowCount } = await transaction.query(
    `DELETE FROM job_runs WHERE id IN (
       SELECT r.id FROM job_runs r
        WHERE r.finished_at < now() - $1 * interval '1 day'
          AND r.status IN ('succeeded', 'failed', 'timed_out', 'abandoned', 'skipped')
          AND r.id <> (SELECT max(l.id) FROM job_runs l WHERE l.job_id = r.job_id)
        ORDER BY r.finished_at
        LIMIT $2
     )`,
    [retentionDays, batch],
  );
  return rowCount ?? 0;
}
