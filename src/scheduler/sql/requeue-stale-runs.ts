import type { Queryable } from './queryable';

/**
 * The outbox half of broker mode: runs queued for longer than `olderThanMs` (their message was
 * lost, or never sent because the instance died between commit and publish) are stamped as queued
 * anew and returned, to be published again. SKIP LOCKED keeps two schedulers off the same rows.
 */
export async function requeueStaleRuns(pool: Queryable, olderThanMs: number, limit: number, now: Date | null): Promise<number[]> {
  const { rows } = await pool.query<{ id: string }>(
    `UPDATE job_runs SET run_at = coalesce($3::timestamptz, now())
      WHERE id IN (
        SELECT id FROM job_runs
         WHERE status = 'queued' AND run_at < coalesce($3::timestamptz, now()) - $1 * interval '1 millisecond'
         ORDER BY run_at
         LIMIT $2
           FOR UPDATE SKIP LOCKED
      )
     RETURNING id`,
    [olderThanMs, limit, now],
  );
  return rows.map((row) => Number(row.id));
}
