import type { ClaimedRunRow } from './claimed-run';
import type { Queryable } from './queryable';

/**
 * Starts up to `limit` runs that wait for their `run_at` (retries, and runs asked for through
 * POST /jobs/:id/run), in one statement: SKIP LOCKED picks rows no other instance is taking, and
 * they become running under this instance's lease.
 */
export async function claimPendingRuns(
  pool: Queryable,
  limit: number,
  instanceId: string,
  leaseMs: number,
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
          SET status = 'running', instance_id = $2, started_at = now(),
              lease_expires_at = now() + $3 * interval '1 millisecond'
         FROM due
        WHERE r.id = due.id
       RETURNING r.id, r.job_id, r.scheduled_for, r.attempt, r.started_at
     ),
     touched AS (
       UPDATE jobs j SET last_run = now(), last_status = 'running'
        WHERE j.id IN (SELECT job_id FROM claimed)
     )
     SELECT c.id, c.job_id, c.scheduled_for, c.attempt, c.started_at,
            j.name AS job_name, j.type, j.params, j.timeout_ms, j.retry_backoff_ms
       FROM claimed c JOIN jobs j ON j.id = c.job_id`,
    [limit, instanceId, leaseMs],
  );
  return rows;
}
