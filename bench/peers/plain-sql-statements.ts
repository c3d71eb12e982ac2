/** The plain-SQL reference loop's two statements (bench/peers/plain-sql.ts). */

export const CLAIM = `
  WITH due AS (
    SELECT id, next_run FROM jobs
     WHERE is_active AND next_run <= now()
     ORDER BY next_run
     LIMIT $1
       FOR UPDATE SKIP LOCKED
  ),
  advanced AS (
    UPDATE jobs j SET next_run = d.next_run + interval '1 day', last_run = now(), last_status = 'running'
      FROM due d WHERE j.id = d.id
  )
  INSERT INTO job_runs (job_id, scheduled_for, attempt, status, instance_id, started_at, lease_expires_at)
  SELECT id, next_run, 1, 'running', $2, now(), now() + interval '30 seconds' FROM due
  ON CONFLICT (job_id, scheduled_for, attempt) DO NOTHING
  RETURNING id, job_id`;

export const FINISH = `
  WITH finished AS (
    UPDATE job_runs SET status = 'succeeded', finished_at = now(), duration_ms = 0, lease_expires_at = NULL
     WHERE id = ANY($1::bigint[]) AND status = 'running' AND instance_id = $2
    RETURNING job_id
  )
  UPDATE jobs SET last_status = 'succeeded' WHERE id IN (SELECT job_id FROM finished)`;
