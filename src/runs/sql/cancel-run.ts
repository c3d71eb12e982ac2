import type { PoolClient } from 'pg';
import { CANCEL_CHANNEL } from '../../due-notices/cancel-notice';
import type { RunStatus } from '../run-status';

/** What a cancel did: the run was unfinished and is cancelled now, or it had already ended, or it does not exist. */
export type CancelOutcome =
  | { outcome: 'cancelled'; jobId: number; jobName: string; before: RunStatus }
  | { outcome: 'finished'; status: RunStatus }
  | { outcome: 'missing' };

/** The statuses a run can still be stopped in; every other is final. */
export const CANCELLABLE_STATUSES: readonly RunStatus[] = ['queued', 'running', 'retry_pending'];

/**
 * Ends an unfinished run as `cancelled` in one conditional statement, so a run finishing at the same
 * moment is either recorded (and this refuses) or cancelled (and its outcome is refused: the outcome
 * is fenced on `running`). No retry follows. The notification tells the instance holding a running
 * run to abort it; a queued or pending one simply never starts. The status read beside the update
 * is the statement's snapshot, so it says what the run was before; when the update lost a race to
 * the run's outcome, that snapshot still says unfinished, and the status is read again.
 */
export async function cancelRun(client: PoolClient, runId: number): Promise<CancelOutcome> {
  const { rows } = await client.query<{ status: RunStatus; job_id: number; job_name: string; cancelled: boolean }>(
    `WITH cancelled AS (
       UPDATE job_runs r
          SET status = 'cancelled', finished_at = now(), lease_expires_at = NULL, error = 'cancelled through the API',
              duration_ms = CASE WHEN r.status = 'running' THEN (extract(epoch FROM now() - r.started_at) * 1000)::int END
        WHERE r.id = $1 AND r.status = ANY($2::"RunStatus"[])
       RETURNING r.id, r.job_id, r.started_at
     ),
     job AS (
       UPDATE jobs j SET last_status = 'cancelled'
         FROM cancelled c
        WHERE j.id = c.job_id AND c.started_at IS NOT NULL AND (j.last_run IS NULL OR j.last_run <= c.started_at)
     ),
     notified AS (
       SELECT pg_notify('${CANCEL_CHANNEL}', id::text) FROM cancelled
     )
     SELECT r.status, r.job_id, j.name AS job_name, EXISTS (SELECT 1 FROM cancelled) AS cancelled,
            (SELECT count(*) FROM notified) AS notified
       FROM job_runs r JOIN jobs j ON j.id = r.job_id
      WHERE r.id = $1`,
    [runId, CANCELLABLE_STATUSES],
  );
  const row = rows[0];
  if (!row) return { outcome: 'missing' };
  if (!row.cancelled) return { outcome: 'finished', status: CANCELLABLE_STATUSES.includes(row.status) ? await statusOf(client, runId) : row.status };
  return { outcome: 'cancelled', jobId: row.job_id, jobName: row.job_name, before: row.status };
}

async function statusOf(client: PoolClient, runId: number): Promise<RunStatus> {
  const { rows } = await client.query<{ status: RunStatus }>('SELECT status FROM job_runs WHERE id = $1', [runId]);
  return rows[0]?.status ?? 'cancelled';
}
