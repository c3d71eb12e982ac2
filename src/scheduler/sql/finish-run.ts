import type { Queryable } from './queryable';

export type FinalStatus = 'succeeded' | 'failed' | 'timed_out';

export interface RunOutcome {
  runId: number;
  jobId: number;
  status: FinalStatus;
  durationMs: number;
  error: string | null;
  output: string | null;
  /** Delay before the next attempt, should the run have failed with attempts left. */
  retryDelayMs: number;
}

export interface FinishResult {
  /** False when this instance no longer holds the run: its lease expired and another took over. */
  recorded: boolean;
  retryRunId: number | null;
}

/**
 * Abandoned attempts were not the job's fault: each of the first three extends the occurrence's
 * budget by one attempt, so a killed instance never costs a job its run.
 */
export const ALLOWED_ATTEMPTS_SQL = `j.max_attempts + LEAST(3, (
  SELECT count(*) FROM job_runs x
   WHERE x.job_id = r.job_id AND x.scheduled_for = r.scheduled_for AND x.status = 'abandoned'
))`;

/**
 * Records a run's outcome, fenced: only while the run is still `running` under this instance.
 * A failure with attempts left also inserts the next attempt as `retry_pending`.
 */
export async function finishRun(pool: Queryable, instanceId: string, outcome: RunOutcome): Promise<FinishResult> {
  const { rows } = await pool.query<{ recorded: boolean; retry_id: string | null }>(
    `WITH finished AS (
       UPDATE job_runs r
          SET status = $3::"RunStatus", finished_at = now(), duration_ms = $4, error = $5, output = $6,
              lease_expires_at = NULL
        WHERE r.id = $1 AND r.status = 'running' AND r.instance_id = $2
       RETURNING r.id, r.job_id, r.scheduled_for, r.attempt, r.started_at
     ),
     job AS (
       UPDATE jobs j SET last_status = $3::"RunStatus"
         FROM finished f
        WHERE j.id = f.job_id AND (j.last_run IS NULL OR j.last_run <= f.started_at)
     ),
     retry AS (
       INSERT INTO job_runs (job_id, scheduled_for, attempt, status, run_at)
       SELECT r.job_id, r.scheduled_for, r.attempt + 1, 'retry_pending', now() + $7 * interval '1 millisecond'
         FROM finished r JOIN jobs j ON j.id = r.job_id
        WHERE $3 <> 'succeeded' AND r.attempt < ${ALLOWED_ATTEMPTS_SQL}
       ON CONFLICT (job_id, scheduled_for, attempt) DO NOTHING
       RETURNING id
     )
     SELECT EXISTS (SELECT 1 FROM finished) AS recorded, (SELECT id FROM retry) AS retry_id`,
    [outcome.runId, instanceId, outcome.status, outcome.durationMs, outcome.error, outcome.output, outcome.retryDelayMs],
  );
  return { recorded: rows[0].recorded, retryRunId: rows[0].retry_id === null ? null : Number(rows[0].retry_id) };
}
