import type { Queryable } from '../scheduler/sql/queryable';
import { notifyDueSql } from '../due-notices/due-notice';

/** One occurrence of a job to run outside the claim that found it. */
export interface PendingOccurrence {
  jobId: number;
  scheduledFor: Date;
}

/**
 * Queues occurrences of jobs as pending runs (misfirePolicy run_all's catch-up, a backfill) that
 * the claim of any instance starts the way it starts a retry. Each is due at its own occurrence,
 * so the claim, taking runs by run_at, starts them oldest first; one that already has a run is
 * left alone by the unique key (job, occurrence, attempt), so asking twice queues nothing more.
 * The earliest is announced on the due channel in the same statement. Answers how many it queued.
 */
export async function enqueueOccurrences(client: Queryable, occurrences: PendingOccurrence[]): Promise<number> {
  if (occurrences.length === 0) return 0;
  const { rows } = await client.query<{ queued: string }>(
    `WITH inserted AS (
       INSERT INTO job_runs (job_id, scheduled_for, attempt, status, run_at)
       SELECT o.job_id, o.scheduled_for, 1, 'retry_pending', o.scheduled_for
         FROM unnest($1::int[], $2::timestamptz[]) AS o(job_id, scheduled_for)
        ORDER BY o.scheduled_for
       ON CONFLICT (job_id, scheduled_for, attempt) DO NOTHING
       RETURNING run_at
     ),
     notified AS (
       SELECT ${notifyDueSql('min(run_at)')} FROM inserted HAVING count(*) > 0
     )
     SELECT (SELECT count(*) FROM inserted) AS queued, (SELECT count(*) FROM notified) AS notified`,
    [occurrences.map((occurrence) => occurrence.jobId), occurrences.map((occurrence) => occurrence.scheduledFor)],
  );
  return Number(rows[0].queued);
}
