import { ALLOWED_ATTEMPTS_SQL, FREE_ABANDONMENTS } from './finish-run';
import type { Queryable } from './queryable';

export interface AbandonResult {
  abandoned: number;
  retried: number;
  jobIds: number[];
  /** The abandoned runs that were their occurrence's last attempt: final failures, as far as alerts go. */
  finals: { runId: number; jobId: number }[];
}

export interface HandBack {
  runIds: number[];
  instanceId: string;
}

/** The longest wait before retrying an occurrence abandoned again, in leases. */
const MAX_BACKOFF_LEASES = 64;

/**
 * Any instance may rescue the runs of one that died: running rows whose lease expired become
 * `abandoned`, and the occurrence gets its next attempt if attempts remain: at once after its first
 * abandonment, then after one lease, two, four… (at most 64), so that a run of failures (instances
 * killed one after the other, or a run that kills its instance) is outlasted rather than chased.
 * An abandoned run with no attempt left is its occurrence's final outcome (`finals`).
 * `now` is the rescuer's clock (the database's when null).
 * With `handBack` it is an instance giving up its own runs (at shutdown) instead, leases expired or not.
 */
export async function abandonRuns(pool: Queryable, limit: number, leaseMs: number, handBack: HandBack | undefined, now: Date | null): Promise<AbandonResult> {
  const { rows } = await pool.query<{ abandoned: string; retried: string; job_ids: number[] | null; finals: { runId: number; jobId: number }[] }>(
    `WITH expired AS (
       SELECT id FROM job_runs
        WHERE status = 'running'
          AND CASE WHEN $2::bigint[] IS NULL THEN lease_expires_at < coalesce($5::timestamptz, now()) ELSE id = ANY($2) AND instance_id = $3 END
        ORDER BY lease_expires_at
        LIMIT $1
          FOR UPDATE SKIP LOCKED
     ),
     abandoned AS (
       UPDATE job_runs r
          SET status = 'abandoned', finished_at = coalesce($5::timestamptz, now()), lease_expires_at = NULL,
              duration_ms = (extract(epoch FROM coalesce($5::timestamptz, now()) - r.started_at) * 1000)::int,
              error = 'abandoned: instance ' || coalesce(r.instance_id, '?') ||
                      CASE WHEN $2::bigint[] IS NULL THEN ' stopped renewing the lease of this run'
                           ELSE ' shut down before the run finished' END
         FROM expired e
        WHERE r.id = e.id
       RETURNING r.id, r.job_id, r.scheduled_for, r.attempt
     ),
     job AS (
       UPDATE jobs j SET last_status = 'abandoned' WHERE j.id IN (SELECT job_id FROM abandoned) AND j.last_status = 'running'
     ),
     earlier AS (
       -- Abandonments of the occurrence before this statement (which sees the table as it was).
       SELECT r.id, (SELECT count(*) FROM job_runs x
                      WHERE x.job_id = r.job_id AND x.scheduled_for = r.scheduled_for AND x.status = 'abandoned') AS count
         FROM abandoned r
     ),
     decided AS (
       SELECT r.job_id, r.id, r.scheduled_for, r.attempt, e.count,
              -- The count in ALLOWED_ATTEMPTS_SQL sees the table before this statement: +1 for this run.
              r.attempt < ${ALLOWED_ATTEMPTS_SQL} + CASE WHEN e.count < ${FREE_ABANDONMENTS} THEN 1 ELSE 0 END AS retries
         FROM abandoned r JOIN earlier e ON e.id = r.id JOIN jobs j ON j.id = r.job_id
     ),
     retried AS (
       INSERT INTO job_runs (job_id, scheduled_for, attempt, status, run_at)
       SELECT n.job_id, n.scheduled_for, n.attempt + 1, 'retry_pending',
              coalesce($5::timestamptz, now()) + CASE WHEN n.count = 0 THEN interval '0'
                           ELSE least(power(2, n.count - 1), ${MAX_BACKOFF_LEASES}) * $4 * interval '1 millisecond' END
         FROM decided n
        WHERE n.retries
       ON CONFLICT (job_id, scheduled_for, attempt) DO NOTHING
       RETURNING id
     )
     SELECT (SELECT count(*) FROM abandoned) AS abandoned, (SELECT count(*) FROM retried) AS retried,
            (SELECT array_agg(DISTINCT job_id) FROM abandoned) AS job_ids,
            (SELECT coalesce(json_agg(json_build_object('runId', id, 'jobId', job_id)), '[]') FROM decided WHERE NOT retries) AS finals`,
    [limit, handBack?.runIds ?? null, handBack?.instanceId ?? null, leaseMs, now],
  );
  return { abandoned: Number(rows[0].abandoned), retried: Number(rows[0].retried), jobIds: rows[0].job_ids ?? [], finals: rows[0].finals };
}
