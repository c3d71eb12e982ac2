import type { ClaimedRunRow } from './claimed-run';
import type { Queryable } from './queryable';
import type { ClaimedStatus } from './record-claims';

/**
 * Second half of the claim for due runs (retries, manual runs), in the transaction that locked them
 * (selectDueWork): they become running under this instance's lease, or queued for a worker in
 * broker mode, and their jobs get lastRun and lastStatus.
 */
export async function startDueRuns(
  transaction: Queryable,
  runIds: number[],
  instanceId: string,
  leaseMs: number,
  claimedStatus: ClaimedStatus,
  now: Date,
): Promise<ClaimedRunRow[]> {
  if (runIds.length === 0) return [];
  const { rows } = await transaction.query<ClaimedRunRow>(
    `WITH claimed AS (
       UPDATE job_runs r
          SET status = $4::"RunStatus",
              instance_id = CASE WHEN $4 = 'running' THEN $2 END,
              started_at = CASE WHEN $4 = 'running' THEN $5::timestamptz END,
              lease_expires_at = CASE WHEN $4 = 'running' THEN $5::timestamptz + $3 * interval '1 millisecond' END,
              run_at = CASE WHEN $4 = 'queued' THEN $5::timestamptz ELSE r.run_at END
        WHERE r.id = ANY($1::bigint[])
       RETURNING r.id, r.job_id, r.scheduled_for, r.attempt, r.started_at
     ),
     touched AS (
       UPDATE jobs j SET last_run = CASE WHEN $4 = 'running' THEN $5::timestamptz ELSE j.last_run END, last_status = $4::"RunStatus"
        WHERE j.id IN (SELECT job_id FROM claimed)
     )
     SELECT c.id, c.job_id, c.scheduled_for, c.attempt, c.started_at,
            j.name AS job_name, j.type, j.params, j.timeout_ms, j.retry_backoff_ms
       FROM claimed c JOIN jobs j ON j.id = c.job_id`,
    [runIds, instanceId, leaseMs, claimedStatus, now],
  );
  return rows;
}
