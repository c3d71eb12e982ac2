import type { JobAdvance } from '../claim-plan';
import type { ClaimedRunRow } from './claimed-run';
import type { Queryable } from './queryable';

/** How a claimed run starts: executed by the claiming instance, or queued for a worker (broker mode). */
export type ClaimedStatus = 'running' | 'queued';

/**
 * Second half of the claim, in the same transaction as selectDueJobs: moves each job to its next
 * occurrence and inserts its runs, in one statement. Running rows get this instance's id and a
 * lease; queued rows get the time they were queued (run_at), for the republisher. The unique key
 * (job_id, scheduled_for, attempt) makes a second run of an occurrence impossible, whatever
 * happens above it.
 */
export async function recordClaims(
  transaction: Queryable,
  advances: JobAdvance[],
  instanceId: string,
  leaseMs: number,
  claimedStatus: ClaimedStatus,
): Promise<ClaimedRunRow[]> {
  const withRun = advances.filter((advance) => advance.run);
  const statusOf = (advance: JobAdvance) => (advance.run!.status === 'running' ? claimedStatus : advance.run!.status);
  const { rows } = await transaction.query<ClaimedRunRow>(
    `WITH advanced AS (
       UPDATE jobs j
          SET next_run = a.next_run,
              last_run = CASE WHEN a.starts AND $10 = 'running' THEN now() ELSE j.last_run END,
              last_status = CASE WHEN a.starts THEN $10::"RunStatus" ELSE j.last_status END
         FROM unnest($1::int[], $2::timestamptz[], $3::boolean[]) AS a(id, next_run, starts)
        WHERE j.id = a.id
     ),
     inserted AS (
       INSERT INTO job_runs (job_id, scheduled_for, attempt, status, instance_id, started_at, finished_at, duration_ms,
                             lease_expires_at, error, run_at)
       SELECT r.job_id, r.scheduled_for, 1, r.status::"RunStatus",
              CASE WHEN r.status <> 'queued' THEN $6 END,
              CASE WHEN r.status = 'running' THEN now() END,
              CASE WHEN r.status = 'skipped' THEN now() END,
              CASE WHEN r.status = 'skipped' THEN 0 END,
              CASE WHEN r.status = 'running' THEN now() + $7 * interval '1 millisecond' END,
              r.error,
              CASE WHEN r.status = 'queued' THEN now() END
         FROM unnest($4::int[], $5::timestamptz[], $8::text[], $9::text[]) AS r(job_id, scheduled_for, status, error)
       ON CONFLICT (job_id, scheduled_for, attempt) DO NOTHING
       RETURNING id, job_id, scheduled_for, attempt, status, started_at
     )
     SELECT i.id, i.job_id, i.scheduled_for, i.attempt, i.started_at,
            j.name AS job_name, j.type, j.params, j.timeout_ms, j.retry_backoff_ms
       FROM inserted i JOIN jobs j ON j.id = i.job_id
      WHERE i.status = $10::"RunStatus"`,
    [
      advances.map((advance) => advance.job.id),
      advances.map((advance) => advance.nextRun),
      advances.map((advance) => advance.run?.status === 'running'),
      withRun.map((advance) => advance.job.id),
      withRun.map((advance) => advance.run!.scheduledFor),
      instanceId,
      leaseMs,
      withRun.map(statusOf),
      withRun.map((advance) => advance.run!.error),
      claimedStatus,
    ],
  );
  return rows;
}
