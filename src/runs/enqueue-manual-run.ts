import type { Queryable } from '../scheduler/sql/queryable';
import { notifyDueSql } from '../due-notices/due-notice';
import { inFlightSql, pendingAheadSql, runLimitSql } from '../scheduler/sql/run-limit';

/**
 * What asking for a run now did: queued one, or found the job at its run limit (overlapPolicy forbid,
 * or maxConcurrency runs in flight or waiting), or no job.
 */
export type ManualRunRequest =
  | { outcome: 'queued'; runId: number }
  | { outcome: 'busy'; limitedBy: 'overlapPolicy' | 'maxConcurrency'; limit: number }
  | { outcome: 'missing' };

const UNIQUE_VIOLATION = '23505';
/** With the job's id, the key of the advisory lock that serialises its manual runs. */
const MANUAL_RUN_LOCK_CLASS = 727_073_690;
const ATTEMPTS = 5;

const isUniqueViolation = (error: unknown) => (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;

/**
 * A run asked for now, outside the schedule: a pending row that the next claim of any scheduler
 * instance starts, the same way as a retry, announced on the due channel in the same statement. It
 * leaves the job's nextRun alone. A job with a run limit (maxConcurrency, or 1 under overlapPolicy
 * forbid) gets none while that many of its runs are running, queued or waiting (a retry, a manual
 * run). Requests for such a job count its runs one after the other, under an advisory lock rather
 * than the job's row, which a claim would then skip.
 *
 * Its occurrence is the request's instant to the millisecond; two requests for one job in the
 * same millisecond would collide on the unique key, so the later one tries again a moment later.
 */
export async function enqueueManualRun(client: Queryable, jobId: number): Promise<ManualRunRequest> {
  // In a statement of its own: the count below then sees the runs of requests that held it before.
  await client.query(`SELECT pg_advisory_xact_lock($1, j.id) FROM jobs j WHERE j.id = $2 AND ${runLimitSql('j')} IS NOT NULL`, [MANUAL_RUN_LOCK_CLASS, jobId]);
  for (let attempt = 1; ; attempt += 1) {
    try {
      const { rows } = await client.query<{ run_limit: number | null; overlap_policy: string; run_id: string | null }>(
        `WITH job AS (
           SELECT j.id, j.overlap_policy, ${runLimitSql('j')} AS run_limit,
                  CASE WHEN ${runLimitSql('j')} IS NOT NULL THEN ${inFlightSql('j')} + ${pendingAheadSql('j', 'true')} END AS held
             FROM jobs j WHERE j.id = $1
         ),
         inserted AS (
           INSERT INTO job_runs (job_id, scheduled_for, attempt, status, run_at)
           SELECT id, clock_timestamp(), 1, 'retry_pending', now() FROM job WHERE run_limit IS NULL OR held < run_limit
           RETURNING id, run_at
         ),
         notified AS (
           SELECT ${notifyDueSql('run_at')} FROM inserted
         )
         SELECT job.run_limit, job.overlap_policy, (SELECT id FROM inserted) AS run_id, (SELECT count(*) FROM notified) AS notified
           FROM job`,
        [jobId],
      );
      if (rows.length === 0) return { outcome: 'missing' };
      const { run_limit: limit, overlap_policy: overlapPolicy, run_id: runId } = rows[0];
      if (runId === null) return { outcome: 'busy', limitedBy: overlapPolicy === 'forbid' ? 'overlapPolicy' : 'maxConcurrency', limit: limit ?? 1 };
      return { outcome: 'queued', runId: Number(runId) };
    } catch (error) {
      if (!isUniqueViolation(error) || attempt === ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt));
    }
  }
}
