import type { ClaimedRunRow } from './claimed-run';
import type { Queryable } from './queryable';

/**
 * A worker's only way to start a run: queued → running, under its id and lease, in one conditional
 * statement. Null when the run is no longer queued (a redelivered or twice-published message) or
 * does not exist; `exists` tells the two apart.
 */
export async function startQueuedRun(
  pool: Queryable,
  runId: number,
  instanceId: string,
  leaseMs: number,
): Promise<{ run: ClaimedRunRow | null; exists: boolean }> {
  const { rows } = await pool.query<ClaimedRunRow & { exists: boolean }>(
    `WITH started AS (
       UPDATE job_runs r
          SET status = 'running', instance_id = $2, started_at = now(),
              lease_expires_at = now() + $3 * interval '1 millisecond'
        WHERE r.id = $1 AND r.status = 'queued'
       RETURNING r.id, r.job_id, r.scheduled_for, r.attempt, r.started_at
     ),
     touched AS (
       UPDATE jobs j SET last_run = now(), last_status = 'running' WHERE j.id IN (SELECT job_id FROM started)
     )
     SELECT s.id, s.job_id, s.scheduled_for, s.attempt, s.started_at,
            j.name AS job_name, j.type, j.params, j.timeout_ms, j.retry_backoff_ms, true AS exists
       FROM started s JOIN jobs j ON j.id = s.job_id
     UNION ALL
     SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, EXISTS (SELECT 1 FROM job_runs WHERE id = $1)
      WHERE NOT EXISTS (SELECT 1 FROM started)`,
    [runId, instanceId, leaseMs],
  );
  const [row] = rows;
  return row.id === null ? { run: null, exists: row.exists } : { run: row, exists: true };
}
