import type { Pool } from 'pg';
import type { RunStatus } from '../run-status';

export interface RecentRunRow {
  jobId: number;
  id: string;
  status: RunStatus;
  scheduledFor: Date;
  startedAt: Date | null;
  durationMs: number | null;
}

/**
 * The latest `count` runs of each job, newest first, in one statement: Prisma has no "N per group".
 * The lateral subquery walks the (job_id, id DESC) index once per job and stops after `count` rows.
 */
const RECENT_RUNS = `
  SELECT r.job_id AS "jobId", r.id, r.status, r.scheduled_for AS "scheduledFor",
         r.started_at AS "startedAt", r.duration_ms AS "durationMs"
    FROM unnest($1::int[]) AS wanted(job_id)
   CROSS JOIN LATERAL (
         SELECT id, job_id, status, scheduled_for, started_at, duration_ms
           FROM job_runs
          WHERE job_id = wanted.job_id
          ORDER BY id DESC
          LIMIT $2) AS r
   ORDER BY r.job_id, r.id DESC`;

export async function recentRuns(pool: Pool, jobIds: number[], count: number): Promise<RecentRunRow[]> {
  const { rows } = await pool.query<RecentRunRow>(RECENT_RUNS, [jobIds, count]);
  return rows;
}
