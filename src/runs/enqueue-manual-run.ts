import type { Queryable } from '../scheduler/sql/queryable';
import { notifyDueSql } from '../due-notices/due-notice';

/** What asking for a run now did: queued one, or found the job busy under overlapPolicy forbid, or no job. */
export type ManualRunRequest = { outcome: 'queued'; runId: number } | { outcome: 'busy' } | { outcome: 'missing' };

const UNIQUE_VIOLATION = '23505';
const ATTEMPTS = 5;

const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;

/**
 * A run asked for now, outside the schedule: a pending row that the next claim of any scheduler
 * instance starts, the same way as a retry, announced on the due channel in the same statement. It
 * leaves the job's nextRun alone. A job whose overlapPolicy is forbid gets none while one of its
 * runs is running, queued or waiting for its retry.
 *
 * Its occurrence is the request's instant to the millisecond; two requests for one job in the
 * same millisecond would collide on the unique key, so the later one tries again a moment later.
 */
export async function enqueueManualRun(client: Queryable, jobId: number): Promise<ManualRunRequest> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const { rows } = await client.query<{ busy: boolean; run_id: string | null }>(
        `WITH job AS (
           SELECT j.id, j.overlap_policy = 'forbid' AND EXISTS (
                    SELECT 1 FROM job_runs r WHERE r.job_id = j.id AND r.status IN ('running', 'queued', 'retry_pending')
                  ) AS busy
             FROM jobs j WHERE j.id = $1
         ),
         inserted AS (
           INSERT INTO job_runs (job_id, scheduled_for, attempt, status, run_at)
           SELECT id, clock_timestamp(), 1, 'retry_pending', now() FROM job WHERE NOT busy
           RETURNING id, run_at
         ),
         notified AS (
           SELECT ${notifyDueSql('run_at')} FROM inserted
         )
         SELECT job.busy, (SELECT id FROM inserted) AS run_id, (SELECT count(*) FROM notified) AS notified
           FROM job`,
        [jobId],
      );
      if (rows.length === 0) return { outcome: 'missing' };
      const { busy, run_id: runId } = rows[0];
      if (busy || runId === null) return { outcome: 'busy' };
      return { outcome: 'queued', runId: Number(runId) };
    } catch (error) {
      if (!isUniqueViolation(error) || attempt === ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt));
    }
  }
}
