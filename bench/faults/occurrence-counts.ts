import { CronExpressionParser } from 'cron-parser';
import { Client } from 'pg';

/**
 * What happened to every occurrence due in a window, counted from the database alone.
 *
 * - expected: (job, occurrence) pairs that the jobs' cron schedules put in [from, to], for jobs that
 *   existed and were active before `from`.
 * - runs: job_runs rows of those occurrences, every attempt included.
 * - duplicates: (job, occurrence, attempt) triples with more than one row (the unique key forbids them).
 * - doubled: occurrences with more than one `succeeded` run: the job's effect recorded twice.
 * - lost: occurrences without a `succeeded` run once everything settled, of which `missing` have no run
 *   at all (never claimed, or claimed and rolled back without a trace).
 * - unexpected: runs in the window for an occurrence the schedules do not have (a wrongly computed one).
 * - stuck: runs of those occurrences still `running`, `queued` or `retry_pending` after settling, plus
 *   runs anywhere still `running` on a lease that expired more than `staleLeaseMs` ago (nobody rescued them).
 * - worstLagMs: the longest delay from an occurrence to the start of its first attempt (scheduling lag).
 * - worstRecoveryMs: the longest delay from an occurrence to the start of the attempt that succeeded.
 */
export interface OccurrenceCounts {
  expected: number;
  runs: number;
  duplicates: number;
  doubled: number;
  lost: number;
  missing: number;
  unexpected: number;
  stuck: number;
  abandoned: number;
  retried: number;
  worstLagMs: number;
  worstRecoveryMs: number;
  /** The attempts of the occurrence that took longest to succeed: "attempt status instance after-ms, ...". */
  worstRecoveryHistory: string;
}

interface JobRow {
  id: number;
  schedule: string;
  timezone: string;
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'fault-suite' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The occurrences of `schedule` in [from, to], in its time zone. */
export function occurrencesBetween(schedule: string, timezone: string, from: Date, to: Date): Date[] {
  const iterator = CronExpressionParser.parse(schedule, {
    tz: timezone,
    currentDate: new Date(from.getTime() - 1),
    endDate: to,
  });
  const found: Date[] = [];
  while (iterator.hasNext()) found.push(iterator.next().toDate());
  return found;
}

async function expectedOccurrences(client: Client, from: Date, to: Date): Promise<{ jobIds: number[]; instants: Date[] }> {
  const { rows } = await client.query<JobRow>(
    'SELECT id, schedule, timezone FROM jobs WHERE is_active AND created_at < $1 ORDER BY id',
    [from],
  );
  const jobIds: number[] = [];
  const instants: Date[] = [];
  for (const job of rows) {
    for (const instant of occurrencesBetween(job.schedule, job.timezone, from, to)) {
      jobIds.push(job.id);
      instants.push(instant);
    }
  }
  return { jobIds, instants };
}

const UNFINISHED = `('running', 'queued', 'retry_pending')`;

/** Occurrences in [from, to] with a run still unfinished, or none yet: what settling waits for. */
export async function unsettledOccurrences(url: string, from: Date, to: Date): Promise<number> {
  return withClient(url, async (client) => {
    const { jobIds, instants } = await expectedOccurrences(client, from, to);
    const { rows } = await client.query<{ unsettled: string }>(
      `SELECT count(*) AS unsettled
         FROM unnest($1::int[], $2::timestamptz[]) AS e(job_id, scheduled_for)
        WHERE NOT EXISTS (SELECT 1 FROM job_runs r WHERE r.job_id = e.job_id AND r.scheduled_for = e.scheduled_for)
           OR EXISTS (SELECT 1 FROM job_runs r WHERE r.job_id = e.job_id AND r.scheduled_for = e.scheduled_for
                                                AND r.status IN ${UNFINISHED})`,
      [jobIds, instants],
    );
    return Number(rows[0].unsettled);
  });
}

export async function countOccurrences(url: string, from: Date, to: Date, staleLeaseMs: number): Promise<OccurrenceCounts> {
  return withClient(url, async (client) => {
    const { jobIds, instants } = await expectedOccurrences(client, from, to);
    const { rows } = await client.query<Record<string, string | null>>(
      `WITH expected AS (
         SELECT * FROM unnest($1::int[], $2::timestamptz[]) AS e(job_id, scheduled_for)
       ),
       occurrence AS (
         SELECT e.job_id, e.scheduled_for,
                count(r.id) AS runs,
                count(r.id) FILTER (WHERE r.status = 'succeeded') AS succeeded,
                count(r.id) FILTER (WHERE r.status IN ${UNFINISHED}) AS unfinished,
                count(r.id) FILTER (WHERE r.status = 'abandoned') AS abandoned,
                count(r.id) FILTER (WHERE r.attempt > 1) AS retried,
                min(r.started_at) FILTER (WHERE r.attempt = 1) - e.scheduled_for AS lag,
                min(r.started_at) FILTER (WHERE r.status = 'succeeded') - e.scheduled_for AS recovery
           FROM expected e
           LEFT JOIN job_runs r ON r.job_id = e.job_id AND r.scheduled_for = e.scheduled_for
          GROUP BY e.job_id, e.scheduled_for
       ),
       attempts AS (
         SELECT 1 FROM job_runs r JOIN expected e USING (job_id, scheduled_for)
          GROUP BY r.job_id, r.scheduled_for, r.attempt HAVING count(*) > 1
       )
       SELECT count(*) AS expected,
              coalesce(sum(runs), 0) AS runs,
              (SELECT count(*) FROM attempts) AS duplicates,
              count(*) FILTER (WHERE succeeded > 1) AS doubled,
              count(*) FILTER (WHERE succeeded = 0) AS lost,
              count(*) FILTER (WHERE runs = 0) AS missing,
              coalesce(sum(unfinished), 0) +
                (SELECT count(*) FROM job_runs WHERE status = 'running' AND lease_expires_at < now() - $5 * interval '1 millisecond')
                AS stuck,
              coalesce(sum(abandoned), 0) AS abandoned,
              coalesce(sum(retried), 0) AS retried,
              (SELECT count(*) FROM job_runs r
                WHERE r.scheduled_for BETWEEN $3 AND $4
                  AND NOT EXISTS (SELECT 1 FROM expected e WHERE e.job_id = r.job_id AND e.scheduled_for = r.scheduled_for))
                AS unexpected,
              coalesce(extract(epoch FROM max(lag)) * 1000, 0)::int AS worst_lag_ms,
              coalesce(extract(epoch FROM max(recovery)) * 1000, 0)::int AS worst_recovery_ms
         FROM occurrence`,
      [jobIds, instants, from, to, staleLeaseMs],
    );
    const row = rows[0];
    const { rows: history } = await client.query<{ attempt: number; status: string; instance_id: string | null; after_ms: number | null }>(
      `WITH expected AS (SELECT * FROM unnest($1::int[], $2::timestamptz[]) AS e(job_id, scheduled_for)),
       worst AS (
         SELECT r.job_id, r.scheduled_for FROM job_runs r JOIN expected e USING (job_id, scheduled_for)
          WHERE r.status = 'succeeded' ORDER BY r.started_at - r.scheduled_for DESC LIMIT 1
       )
       SELECT r.attempt, r.status, r.instance_id, (extract(epoch FROM r.started_at - r.scheduled_for) * 1000)::int AS after_ms
         FROM job_runs r JOIN worst w USING (job_id, scheduled_for) ORDER BY r.attempt`,
      [jobIds, instants],
    );
    return {
      worstRecoveryHistory: history
        .map((run) => `#${run.attempt} ${run.status} on ${run.instance_id ?? '?'} at +${((run.after_ms ?? 0) / 1000).toFixed(1)} s`)
        .join(', '),
      expected: Number(row.expected),
      runs: Number(row.runs),
      duplicates: Number(row.duplicates),
      doubled: Number(row.doubled),
      lost: Number(row.lost),
      missing: Number(row.missing),
      unexpected: Number(row.unexpected),
      stuck: Number(row.stuck),
      abandoned: Number(row.abandoned),
      retried: Number(row.retried),
      worstLagMs: Number(row.worst_lag_ms),
      worstRecoveryMs: Number(row.worst_recovery_ms),
    };
  });
}
