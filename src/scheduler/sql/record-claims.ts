import type { JobAdvance } from '../claim-plan';
import type { ClaimedRunRow } from './claimed-run';
import type { Queryable } from './queryable';

/** How a claimed run starts: executed by the claiming instance, or queued for a worker (broker mode). */
export type ClaimedStatus = 'running' | 'queued';

/**
 * Second half of the claim for due jobs, in the transaction that locked them (selectDueWork): moves each job to its next
 * occurrence (a one-off job, which has none, becomes inactive) and inserts its runs, in one statement. Running rows get this instance's id and a
 * lease; queued rows get the time they were queued (run_at), for the republisher. The unique key
 * (job_id, scheduled_for, attempt) makes a second run of an occurrence impossible, whatever
 * happens above it.
 *
 * The claim travels as one JSON document rather than one array per column: serialising thousands
 * of dates into array literals cost more than the statement itself. What a run needs of its job
 * comes from the rows selectDueWork locked, not from a second read.
 */
export async function recordClaims(
  transaction: Queryable,
  advances: JobAdvance[],
  instanceId: string,
  leaseMs: number,
  claimedStatus: ClaimedStatus,
  now: Date,
): Promise<ClaimedRunRow[]> {
  if (advances.length === 0) return [];
  const claims = advances.map(({ job, nextRun, scheduleError, run }) => ({
    id: job.id,
    next_run: nextRun,
    schedule_error: scheduleError,
    starts: run?.status === 'running',
    status: run ? (run.status === 'running' ? claimedStatus : run.status) : null,
    scheduled_for: run?.scheduledFor ?? null,
    error: run?.error ?? null,
  }));
  const { rows } = await transaction.query<{ id: string; job_id: number; scheduled_for: Date; attempt: number; started_at: Date }>(
    `WITH claim AS (
       SELECT * FROM json_to_recordset($1::json)
                  AS c(id int, next_run timestamptz, schedule_error text, starts boolean, status text, scheduled_for timestamptz, error text)
     ),
     advanced AS (
       UPDATE jobs j
          SET next_run = c.next_run,
              schedule_error = c.schedule_error,
              is_active = j.is_active AND j.schedule IS NOT NULL,
              last_run = CASE WHEN c.starts AND $4 = 'running' THEN $5::timestamptz ELSE j.last_run END,
              last_status = CASE WHEN c.starts THEN $4::"RunStatus" ELSE j.last_status END
         FROM claim c
        WHERE j.id = c.id
     ),
     inserted AS (
       INSERT INTO job_runs (job_id, scheduled_for, attempt, status, instance_id, started_at, finished_at, duration_ms,
                             lease_expires_at, error, run_at)
       SELECT c.id, c.scheduled_for, 1, c.status::"RunStatus",
              CASE WHEN c.status <> 'queued' THEN $2 END,
              CASE WHEN c.status = 'running' THEN $5::timestamptz END,
              CASE WHEN c.status = 'skipped' THEN $5::timestamptz END,
              CASE WHEN c.status = 'skipped' THEN 0 END,
              CASE WHEN c.status = 'running' THEN $5::timestamptz + $3 * interval '1 millisecond' END,
              c.error,
              CASE WHEN c.status = 'queued' THEN $5::timestamptz END
         FROM claim c
        WHERE c.status IS NOT NULL
       ON CONFLICT (job_id, scheduled_for, attempt) DO NOTHING
       RETURNING id, job_id, scheduled_for, attempt, status, started_at
     )
     SELECT id, job_id, scheduled_for, attempt, started_at FROM inserted WHERE status = $4::"RunStatus"`,
    [JSON.stringify(claims), instanceId, leaseMs, claimedStatus, now],
  );
  const jobs = new Map(advances.map(({ job }) => [job.id, job]));
  return rows.map((row) => {
    const job = jobs.get(row.job_id)!;
    return {
      ...row,
      job_name: job.name,
      type: job.type,
      params: job.params,
      timeout_ms: job.timeout_ms,
      retry_backoff_ms: job.retry_backoff_ms,
    };
  });
}
