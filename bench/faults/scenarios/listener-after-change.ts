import { FaultCluster, SECOND, sleep } from '../fault-cluster';

const LISTENER_TIMEOUT_MS = 60 * SECOND;
/**
 * A job created after the change is due this long after the window ends or after it is created,
 * whichever is later: none of the window's occurrences, and never already past when the POST lands
 * (the listeners may come back after the window has ended on a loaded machine).
 */
const DUE_AFTER_MS = 2 * SECOND;

/**
 * Polls the leader (through HAProxy, as the instances reach it) until every scheduling instance's
 * LISTEN connection is there, and returns how long after `since` that was; undefined on timeout.
 */
export async function listenersBack(cluster: FaultCluster, since: number): Promise<number | undefined> {
  const schedulers = cluster.instances.filter((_, index) => cluster.isScheduler(index)).length;
  const deadline = since + LISTENER_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const rows = await cluster
      .query<{ listening: string }>(
        `SELECT count(*) AS listening FROM pg_stat_activity
          WHERE datname = $1 AND application_name = 'scheduler-listener' AND query LIKE 'LISTEN%' AND NOT pg_is_in_recovery()`,
        [cluster.databaseName],
      )
      .catch(() => [{ listening: '0' }]);
    if (Number(rows[0].listening) >= schedulers) return Date.now() - since;
    await sleep(100);
  }
  return undefined;
}

export interface LateJob {
  id: number;
  dueAt: Date;
}

/**
 * Creates, through the API, a `log` job whose one occurrence is a whole second just after the window
 * ends, or just after now if the window is already over; throws unless the API agrees on the instant.
 */
export async function createJobAfterChange(cluster: FaultCluster, windowEnd: Date): Promise<LateJob> {
  const earliest = Math.max(windowEnd.getTime(), Date.now()) + DUE_AFTER_MS;
  const dueAt = new Date(Math.ceil(earliest / SECOND) * SECOND);
  const schedule = `${dueAt.getUTCSeconds()} ${dueAt.getUTCMinutes()} ${dueAt.getUTCHours()} ${dueAt.getUTCDate()} ${dueAt.getUTCMonth() + 1} *`;
  const response = await fetch(`${cluster.apiInstances[0].url}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'created after the leader change', schedule, type: 'log' }),
  });
  if (response.status !== 201) throw new Error(`creating the job after the change answered ${response.status}: ${await response.text()}`);
  const job = (await response.json()) as { id: number; nextRun: string | null };
  if (job.nextRun !== dueAt.toISOString()) throw new Error(`the job created after the change is next due at ${job.nextRun}, not ${dueAt.toISOString()}`);
  return { id: job.id, dueAt };
}

/** The lag of the job's first succeeded run (start minus occurrence), once it has one; undefined after a minute. */
export async function lagOf(cluster: FaultCluster, job: LateJob): Promise<number | undefined> {
  const deadline = Math.max(Date.now(), job.dueAt.getTime()) + 60 * SECOND;
  while (Date.now() < deadline) {
    const rows = await cluster.query<{ lag_ms: number }>(
      `SELECT (extract(epoch FROM started_at - scheduled_for) * 1000)::int AS lag_ms FROM job_runs
        WHERE job_id = $1 AND scheduled_for = $2 AND status = 'succeeded'`,
      [job.id, job.dueAt],
    );
    if (rows.length > 0) return rows[0].lag_ms;
    await sleep(250);
  }
  return undefined;
}
