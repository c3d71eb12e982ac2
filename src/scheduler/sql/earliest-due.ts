import type { Queryable } from './queryable';

export interface EarliestDue {
  /** The earliest instant this service could next claim something, or null when nothing is scheduled. */
  at: Date | null;
  /** The database clock when it was read: the wake-up measures its wait against it, not against the instance's. */
  dbNow: Date;
}

/**
 * The earliest next_run of an active job and the earliest run_at of a pending retry or manual run,
 * each one step of its partial index (jobs_due_idx, job_runs_retry_due_idx).
 */
export async function earliestDue(pool: Queryable): Promise<EarliestDue> {
  const { rows } = await pool.query<{ at: Date | null; db_now: Date }>(
    `SELECT least((SELECT min(next_run) FROM jobs WHERE is_active),
                  (SELECT min(run_at) FROM job_runs WHERE status = 'retry_pending')) AS at,
            now() AS db_now`,
  );
  return { at: rows[0].at, dbNow: rows[0].db_now };
}
