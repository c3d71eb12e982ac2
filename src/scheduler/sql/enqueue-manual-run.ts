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

const UNIQUE_VIOLATION = '23505';
const ATTEMPTS = 5;

const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;

/**
 * A run asked for now, outside the schedule: a pending row that the next claim of any scheduler
 * instance starts, the same way as a retry. It leaves the job's nextRun alone. Null when the job
 * does not exist.
 *
 * Its occurrence is the request's instant to the millisecond; two requests for one job in the
 * same millisecond would collide on the unique key, so the later one tries again a moment later.
 */
export async function enqueueManualRun(pool: Queryable, jobId: number): Promise<PendingRunRow | null> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const { rows } = await pool.query<PendingRunRow>(
        `INSERT INTO job_runs (job_id, scheduled_for, attempt, status, run_at)
         SELECT id, clock_timestamp(), 1, 'retry_pending', now() FROM jobs WHERE id = $1
         RETURNING id, job_id, scheduled_for, attempt, status, run_at, created_at`,
        [jobId],
      );
      return rows[0] ?? null;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt === ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt));
    }
  }
}
