import type { ClaimedRunRow } from './claimed-run';
import type { Queryable } from './queryable';
import type { ClaimedStatus } from './record-claims';

/**
 * Takes up to `limit` runs that wait for their `run_at` (retries, and runs asked for through
 * POST /jobs/:id/run), in one statement: SKIP LOCKED picks rows no other instance is taking. They
 * become running under this instance's lease, or queued for a worker in broker mode.
 */
export async function claimPendingRuns(
  pool: Queryable,
  limit: number,
  instanceId: string,
  leaseMs: number,
  claimedStatus: ClaimedStatus,
): Promise<ClaimedRunRow[]> {
  const { rows } = await pool.query<ClaimedRunRow>(
    `WITH due AS (
       SELECT id FROM job_runs
        WHERE status = 'retry_pending' AND run_at <= now()
        ORDER BY run_at
        LIMIT $1
          FOR UPDATE SKIP LOCKED
     ),
     claimed AS (
       UPDATE job_runs r
          SET status = $4::"RunStatus",
              instance_id = CASE WHEN $4 = 'running' THEN $2 END,
              started_at = CASE WHEN $4 = 'running' THEN now() END,
              lease_expires_at = CASE WHEN $4 = 'running' THEN now() + $3 * interval '1 millisecond' END,
              run_at = CASE WHEN $4 = 'queued' THEN now() ELSE r.run_at END
         FROM due
        WHERE r.id = due.id
       RETURNING r.id, r.job_id, r.scheduled_for, r.attempt, r.started_at
     ),
     touched AS (
       UPDATE jobs j SET last_run = CASE WHEN $4 = 'running' THEN now() ELSE j.last_run END, last_status = $4::"RunStatus"
        WHERE j.id IN (SELECT job_id FROM claimed)
     )
     SELECT c.id, c.job_id, c.scheduled_for, c.attempt, c.started_at,
            j.name AS job_name, j.type, j.params, j.timeout_ms, j.retry_backoff_ms
       FROM claimed c JOIN jobs j ON j.id = c.job_id`,
    [limit, instanceId, leaseMs, claimedStatus],
  );
  return rows;
}
