import type { ClaimedRunRow } from './claimed-run';
import type { Queryable } from './queryable';

export interface QueuedStart {
  /** Null when the run is no longer queued (a redelivered or twice-published message) or does not exist. */
  run: ClaimedRunRow | null;
  /** Tells those two apart. */
  exists: boolean;
}

/**
 * A worker's only way to start a run: queued → running, under its id and lease, in one conditional
 * statement, for many runs at once (the messages a worker's prefetch delivers together). Results
 * come back in the order of `runIds`; an id given twice starts its run once, for the first. `now`
 * is the start's clock (the database's when null). While the scheduler is paused nothing starts: the
 * runs stay queued and are published again once stale.
 */
export async function startQueuedRuns(pool: Queryable, runIds: number[], instanceId: string, leaseMs: number, now: Date | null): Promise<QueuedStart[]> {
  const { rows } = await pool.query<ClaimedRunRow & { wanted: string; exists: boolean }>(
    `WITH wanted AS (
       SELECT DISTINCT unnest($1::bigint[]) AS id
     ),
     clock AS (
       SELECT coalesce($4::timestamptz, now()) AS now
     ),
     started AS (
       UPDATE job_runs r
          SET status = 'running', instance_id = $2, started_at = (SELECT now FROM clock),
              lease_expires_at = (SELECT now FROM clock) + $3 * interval '1 millisecond'
        WHERE r.id IN (SELECT id FROM wanted) AND r.status = 'queued' AND NOT EXISTS (SELECT 1 FROM scheduler_state WHERE paused)
       RETURNING r.id, r.job_id, r.scheduled_for, r.attempt, r.started_at
     ),
     touched AS (
       UPDATE jobs j SET last_run = (SELECT now FROM clock), last_status = 'running' WHERE j.id IN (SELECT job_id FROM started)
     )
     SELECT w.id AS wanted, s.id, s.job_id, s.scheduled_for, s.attempt, s.started_at,
            j.name AS job_name, j.type, j.params, j.timeout_ms, j.retry_backoff_ms,
            s.id IS NOT NULL OR EXISTS (SELECT 1 FROM job_runs x WHERE x.id = w.id) AS exists
       FROM wanted w
       LEFT JOIN started s ON s.id = w.id
       LEFT JOIN jobs j ON j.id = s.job_id`,
    [runIds, instanceId, leaseMs, now],
  );
  const byId = new Map(rows.map((row) => [Number(row.wanted), row]));
  const given = new Set<number>();
  return runIds.map((runId) => {
    const row = byId.get(runId)!;
    const first = !given.has(runId);
    given.add(runId);
    if (!first || row.id === null) return { run: null, exists: row.exists };
    const { wanted: _wanted, exists: _exists, ...run } = row;
    return { run, exists: true };
  });
}
