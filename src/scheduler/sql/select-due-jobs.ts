import type { Queryable } from './queryable';

export interface DueJobRow {
  id: number;
  name: string;
  schedule: string;
  timezone: string;
  type: string;
  params: Record<string, unknown>;
  next_run: Date;
  overlap_policy: 'allow' | 'forbid';
  misfire_policy: 'run_once' | 'skip';
  timeout_ms: number;
  retry_backoff_ms: number;
  /** A run of the job is executing or queued now (only looked up for overlapPolicy forbid). */
  busy: boolean;
  /** The database clock: "due" is judged by it, never by an instance's clock. */
  db_now: Date;
}

/**
 * Locks up to `limit` due jobs for the calling transaction. SKIP LOCKED lets several instances
 * claim side by side: each gets rows no other holds, and none waits. The partial index on
 * next_run where is_active keeps this O(due), not O(jobs).
 */
export async function selectDueJobs(transaction: Queryable, limit: number): Promise<DueJobRow[]> {
  const { rows } = await transaction.query<DueJobRow>(
    `SELECT j.id, j.name, j.schedule, j.timezone, j.type, j.params, j.next_run,
            j.overlap_policy, j.misfire_policy, j.timeout_ms, j.retry_backoff_ms,
            j.overlap_policy = 'forbid' AND EXISTS (
              SELECT 1 FROM job_runs r WHERE r.job_id = j.id AND r.status IN ('running', 'queued')
            ) AS busy,
            now() AS db_now
       FROM jobs j
      WHERE j.is_active AND j.next_run <= now()
      ORDER BY j.next_run
      LIMIT $1
        FOR UPDATE OF j SKIP LOCKED`,
    [limit],
  );
  return rows;
}
