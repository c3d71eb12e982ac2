import type { Notify } from '../../alerts/notify';
import type { Queryable } from './queryable';
import { inFlightSql, pendingAheadSql, runLimitSql, sameVersionSql } from './run-limit';

export interface DueJobRow {
  id: number;
  name: string;
  /** Null for a one-off job (runAt), which has no next occurrence. */
  schedule: string | null;
  timezone: string;
  type: string;
  params: Record<string, unknown>;
  next_run: Date;
  overlap_policy: 'allow' | 'forbid';
  misfire_policy: 'run_once' | 'skip' | 'run_all';
  max_catch_up: number;
  jitter_ms: number;
  timeout_ms: number;
  retry_backoff_ms: number;
  /** Who hears of the job's events (null: the service's default); a skip here is "missed". */
  notify: Notify | null;
  /** Under overlapPolicy forbid: a run of the job is executing or queued now, or a retry of it is due first. */
  busy: boolean;
  /** The clock of the claim: "due" is judged by it, never by an instance's clock. */
  db_now: Date;
}

/** A retry or a manual run whose run_at has come. */
export interface DueRunRow {
  id: number;
  run_at: Date;
}

export interface DueWork {
  /** Due jobs and due runs, locked for the calling transaction, each list in due order. */
  jobs: DueJobRow[];
  runs: DueRunRow[];
  /** The earliest instant after `now` at which anything falls due, or null when nothing is scheduled. */
  nextDueAt: Date | null;
  now: Date;
}

/**
 * Locks up to `limit` due jobs and up to `limit` due runs (retries, manual runs) for the calling
 * transaction, in one statement, and reads when the next thing falls due after them. SKIP LOCKED
 * lets several instances claim side by side: each gets rows no other holds, and none waits; one
 * that finds nothing has spent this one statement. The partial indexes on next_run where is_active
 * and on run_at where retry_pending keep it O(due), not O(jobs).
 *
 * While the maintenance switch is on (scheduler_state.paused) nothing is due and nothing falls due
 * next: the resume's notice wakes every instance, which then finds what waited, each occurrence
 * judged by its misfire policy.
 *
 * A job with a run limit (see run-limit.ts) is a queue: its due occurrence and due runs in due
 * order, each taken only while the runs in flight and those ahead of it stay under the limit; the
 * rest wait, due, for a slot to free (finish-run.ts announces it). The job's row lock serialises
 * claims of such a job: FOR UPDATE of a due occurrence, FOR NO KEY UPDATE for its due runs. A
 * forbid job's due occurrence is recorded skipped while it is busy, as without a limit.
 *
 * `now` is the claim's clock: the database's when null; tests pass their own.
 */
export async function selectDueWork(transaction: Queryable, limit: number, now: Date | null): Promise<DueWork> {
  const { rows } = await transaction.query<{ kind: 'job' | 'run' | 'clock'; job: DueJobRow | null; run: DueRunRow | null; next_due_at: Date | null; now: Date }>(
    `WITH clock AS (
       SELECT coalesce($2::timestamptz, now()) AS now,
              EXISTS (SELECT 1 FROM scheduler_state WHERE paused) AS paused
     ),
     due_jobs AS (
       SELECT j.id, j.name, j.schedule, j.timezone, j.type, j.params, j.next_run,
              j.overlap_policy, j.misfire_policy, j.max_catch_up, j.jitter_ms, j.timeout_ms, j.retry_backoff_ms, j.notify,
              j.overlap_policy = 'forbid' AND ${inFlightSql('j')} + ${pendingAheadSql('j', 'p.run_at < j.next_run')} > 0 AS busy
         FROM jobs j
        WHERE j.is_active AND j.next_run <= (SELECT now FROM clock) AND NOT (SELECT paused FROM clock)
          AND (${runLimitSql('j')} IS NULL OR ${sameVersionSql('j')} AND (
                 j.overlap_policy = 'forbid' OR ${inFlightSql('j')} + ${pendingAheadSql('j', 'p.run_at < j.next_run')} < j.max_concurrency))
        ORDER BY j.next_run
        LIMIT $1
          FOR UPDATE OF j SKIP LOCKED
     ),
     due_runs AS (
       SELECT r.id, r.run_at
         FROM job_runs r
         JOIN jobs j ON j.id = r.job_id
        WHERE r.status = 'retry_pending' AND r.run_at <= (SELECT now FROM clock) AND NOT (SELECT paused FROM clock)
          AND (${runLimitSql('j')} IS NULL OR EXISTS (
                 SELECT 1 FROM jobs l
                  WHERE l.id = r.job_id AND ${sameVersionSql('l')}
                    AND ${inFlightSql('l')} + ${pendingAheadSql('l', '(p.run_at, p.id) < (r.run_at, r.id)')}
                        + (l.is_active AND l.next_run <= r.run_at)::int < ${runLimitSql('l')}
                    FOR NO KEY UPDATE SKIP LOCKED))
        ORDER BY r.run_at
        LIMIT $1
          FOR UPDATE OF r SKIP LOCKED
     )
     SELECT 'job' AS kind, row_to_json(d) AS job, NULL::json AS run, NULL::timestamptz AS next_due_at, NULL::timestamptz AS now
       FROM due_jobs d
     UNION ALL
     SELECT 'run', NULL, row_to_json(d), NULL, NULL FROM due_runs d
     UNION ALL
     SELECT 'clock', NULL, NULL,
            CASE WHEN NOT c.paused THEN least((SELECT min(next_run) FROM jobs WHERE is_active AND next_run > c.now),
                  (SELECT min(run_at) FROM job_runs WHERE status = 'retry_pending' AND run_at > c.now)) END,
            c.now
       FROM clock c`,
    [limit, now],
  );
  const clock = rows.find((row) => row.kind === 'clock')!;
  const jobs = rows
    .filter((row) => row.kind === 'job')
    .map(({ job }) => ({ ...job!, next_run: new Date(job!.next_run), db_now: clock.now }))
    .sort((a, b) => a.next_run.getTime() - b.next_run.getTime());
  const runs = rows
    .filter((row) => row.kind === 'run')
    .map(({ run }) => ({ id: Number(run!.id), run_at: new Date(run!.run_at) }))
    .sort((a, b) => a.run_at.getTime() - b.run_at.getTime());
  return { jobs, runs, nextDueAt: clock.next_due_at, now: clock.now };
}
