import { notifyDueSql } from '../../due-notices/due-notice';
import type { Queryable } from './queryable';
import { pendingAheadSql, runLimitSql } from './run-limit';

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
 * Abandoned attempts were not the job's fault: each of the first FREE_ABANDONMENTS extends the
 * occurrence's budget by one attempt, so killed instances do not cost a job its run. The bound stops
 * a run that kills every instance it lands on; abandon-runs.ts spaces its retries out exponentially.
 *
 * Ten, not three: with instances killed one after the other every few seconds (the fault suite's
 * repeated-kills), the retry of an abandoned run often lands on the next instance to die, and a
 * fifth abandonment of one occurrence was common enough to lose occurrences.
 */
export const FREE_ABANDONMENTS = 10;

export const ALLOWED_ATTEMPTS_SQL = `j.max_attempts + LEAST(${FREE_ABANDONMENTS}, (
  SELECT count(*) FROM job_runs x
   WHERE x.job_id = r.job_id AND x.scheduled_for = r.scheduled_for AND x.status = 'abandoned'
))`;

/**
 * PostgreSQL text holds neither NUL nor half a surrogate pair, and a JSON document carrying either
 * would fail the statement, and with it every outcome of the group: both become U+FFFD.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
export const storableText = (text: string | null) => text && text.replace(/\0/g, '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');

export interface FinishOutcome extends RunOutcome {
  /** The instance that executed the run: the outcome is recorded only while it still holds it. */
  instanceId: string;
}

/**
 * Records many runs' outcomes in one statement, each fenced: only while the run is still `running`
 * under the instance that reports it. Idempotent: an outcome this instance already wrote (its ack
 * lost with the connection, during a failover) is reported recorded again, with the same retry. A failure with attempts left also inserts the next attempt
 * as `retry_pending`. Results come back in the order of `outcomes`. The outcomes travel as one JSON
 * document, cheaper to serialise than an array literal per column.
 *
 * A retry is announced on the due channel (see due-notice.ts) in the same statement, and so is a
 * slot freed for a job whose run limit holds work back (see select-due-work.ts). `now` is the
 * outcome's clock (the database's when null): it stamps finishedAt and starts the retry's backoff.
 *
 * When one job has several runs in the group, only the latest started may set its lastStatus, as
 * when they are recorded one by one.
 */
export async function finishRuns(pool: Queryable, outcomes: FinishOutcome[], now: Date | null): Promise<FinishResult[]> {
  if (outcomes.length === 0) return [];
  const { rows } = await pool.query<{ id: string; retry_id: string | null }>(
    `WITH outcome AS (
       SELECT * FROM json_to_recordset($1::json)
                  AS o(id bigint, instance_id text, status text, duration_ms int, error text, output text, retry_delay_ms int)
     ),
     clock AS (
       SELECT coalesce($2::timestamptz, now()) AS now
     ),
     finished AS (
       UPDATE job_runs r
          SET status = o.status::"RunStatus", finished_at = (SELECT now FROM clock), duration_ms = o.duration_ms, error = o.error,
              output = o.output, lease_expires_at = NULL
         FROM outcome o
        WHERE r.id = o.id AND r.status = 'running' AND r.instance_id = o.instance_id
       RETURNING r.id, r.job_id, r.scheduled_for, r.attempt, r.started_at, r.status, o.retry_delay_ms
     ),
     -- Every job of the group is locked here, those whose lastStatus stays included, so that the
     -- alerts recorded after this statement in the same transaction take no further lock.
     job AS (
       UPDATE jobs j SET last_status = CASE WHEN j.last_run IS NULL OR j.last_run <= f.started_at THEN f.status ELSE j.last_status END
         FROM (SELECT DISTINCT ON (job_id) job_id, started_at, status FROM finished ORDER BY job_id, started_at DESC) f
        WHERE j.id = f.job_id
     ),
     retry AS (
       INSERT INTO job_runs (job_id, scheduled_for, attempt, status, run_at)
       SELECT r.job_id, r.scheduled_for, r.attempt + 1, 'retry_pending', (SELECT now FROM clock) + r.retry_delay_ms * interval '1 millisecond'
         FROM finished r JOIN jobs j ON j.id = r.job_id
        WHERE r.status <> 'succeeded' AND r.attempt < ${ALLOWED_ATTEMPTS_SQL}
       ON CONFLICT (job_id, scheduled_for, attempt) DO NOTHING
       RETURNING id, job_id, scheduled_for, run_at
     ),
     -- Every scheduling instance hears of the earliest retry, which may be sooner than its timer.
     notified AS (
       SELECT ${notifyDueSql('m.at')} FROM (SELECT min(run_at) AS at FROM retry) m WHERE m.at IS NOT NULL
     ),
     -- A finished run of a job with a run limit frees a slot: whoever schedules claims what waited for it.
     freed AS (
       SELECT ${notifyDueSql('(SELECT now FROM clock)')} FROM (
         SELECT 1 FROM finished f JOIN jobs j ON j.id = f.job_id
          WHERE ${runLimitSql('j')} IS NOT NULL
            AND (j.is_active AND j.next_run <= (SELECT now FROM clock) OR ${pendingAheadSql('j', 'p.run_at <= (SELECT now FROM clock)')} > 0)
          LIMIT 1
       ) w
     ),
     -- A retry after an unknown commit: this very outcome was already written, with its retry if any.
     written AS (
       SELECT r.id, t.id AS retry_id
         FROM job_runs r JOIN outcome o ON r.id = o.id AND r.instance_id = o.instance_id
         LEFT JOIN job_runs t ON t.job_id = r.job_id AND t.scheduled_for = r.scheduled_for AND t.attempt = r.attempt + 1
        WHERE r.status = o.status::"RunStatus" AND r.duration_ms = o.duration_ms AND r.finished_at IS NOT NULL
     )
     SELECT f.id, t.id AS retry_id, (SELECT count(*) FROM notified) + (SELECT count(*) FROM freed) AS notified
       FROM finished f LEFT JOIN retry t ON t.job_id = f.job_id AND t.scheduled_for = f.scheduled_for
     UNION ALL
     SELECT w.id, w.retry_id, 0 FROM written w`,
    [
      JSON.stringify(
        outcomes.map((outcome) => ({
          id: outcome.runId,
          instance_id: outcome.instanceId,
          status: outcome.status,
          duration_ms: outcome.durationMs,
          error: storableText(outcome.error),
          output: storableText(outcome.output),
          retry_delay_ms: outcome.retryDelayMs,
        })),
      ),
      now,
    ],
  );
  const recorded = new Map(rows.map((row) => [Number(row.id), row.retry_id === null ? null : Number(row.retry_id)]));
  return outcomes.map((outcome) => ({
    recorded: recorded.has(outcome.runId),
    retryRunId: recorded.get(outcome.runId) ?? null,
  }));
}
