import type { Queryable } from './queryable';

export interface PendingRunRow {
  id: string;
  job_id: number;
  scheduled_for: Date;
  attempt: number;
  status: 'retry_pending';
  run_at: Date;
  created_at: Date;
}

/**
 * A run asked for now, outside the schedule: a pending row that the next claim of any scheduler
 * instance starts, the same way as a retry. It leaves the job's nextRun alone. Null when the job
 * does not exist.
 */
export async function enqueueManualRun(pool: Queryable, jobId: number): Promise<PendingRunRow | null> {
  const { rows } = await pool.query<PendingRunRow>(
    `INSERT INTO job_runs (job_id, scheduled_for, attempt, status, run_at)
     SELECT id, clock_timestamp(), 1, 'retry_pending', now() FROM jobs WHERE id = $1
     RETURNING id, job_id, scheduled_for, attempt, status, run_at, created_at`,
    [jobId],
  );
  return rows[0] ?? null;
}
