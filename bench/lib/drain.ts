import { notifyDueSql } from '../../src/due-notices/due-notice';
import type { BenchContext } from './context';
import { withClient } from './database';
import { progress, sleep, waitFor } from './log';
import { seedJobs } from './seed';
import { BenchProcess } from './service';

export const DISPATCH_JOBS = 100_000;
export const DISPATCH_TEMPLATE = 'bench_dispatch';
/** Far enough ahead that nothing is due until the harness says so. */
const NOT_YET = `'2100-01-01T00:00:00Z'::timestamptz`;

export interface DrainResult {
  jobsPerSecond: number;
  /** Occurrences due when the drain began that ended succeeded. */
  backlogRuns: number;
  /** Runs of occurrences that came due during the drain (every-minute jobs), executed too. */
  laterRuns: number;
  seconds: number;
  /** Run rows sharing (job, occurrence) with another: the unique key makes this 0 by construction. */
  duplicateRows: number;
  /** Executions counted by the instances' own metrics beyond the distinct occurrences recorded. */
  duplicateExecutions: number;
  notSucceeded: number;
  rssAfterMb: number[];
}

/** `jobs` active jobs (the realistic mix of schedules and zones), none due yet, in database `name`. */
export async function createDispatchTemplate(context: BenchContext, jobs = DISPATCH_JOBS, name = DISPATCH_TEMPLATE): Promise<void> {
  const url = await context.database.clone('bench_empty', name);
  await withClient(url, async (client) => {
    await seedJobs(client, { first: 1, count: jobs, nextRun: NOT_YET });
    await client.query('VACUUM ANALYZE jobs');
  });
}

/**
 * Makes every job due at once, spread over the last 30 s (whole seconds, as cron occurrences are):
 * one statement, committed before any instance can see a due row, with the notice the API would
 * send (instances on the default minute tick wake on it). Returns the database's now().
 */
async function makeAllDue(url: string): Promise<Date> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ now: Date }>(
      `WITH due AS (
         UPDATE jobs SET next_run = date_trunc('second', now()) - ((id::bigint * 7919) % 30) * interval '1 second'
         RETURNING 1
       )
       SELECT now() AS now, (SELECT count(*) FROM due) AS count, ${notifyDueSql('now()')} AS notified`,
    );
    return rows[0].now;
  });
}

/** Waits until no job due at `since` is left unclaimed and no run is unfinished. */
async function waitUntilDrained(url: string, since: Date, timeoutMs: number): Promise<void> {
  await withClient(url, async (client) => {
    let reported = Date.now();
    await waitFor(
      'the backlog to drain',
      async () => {
        const { rows } = await client.query<{ due: string; open: string }>(
          `SELECT (SELECT count(*) FROM jobs WHERE is_active AND next_run <= $1) AS due,
                  (SELECT count(*) FROM job_runs WHERE status IN ('running', 'retry_pending', 'queued')) AS open`,
          [since],
        );
        if (Date.now() - reported > 10_000) {
          reported = Date.now();
          progress(`    ${rows[0].due} jobs still due, ${rows[0].open} runs unfinished`);
        }
        return Number(rows[0].due) === 0 && Number(rows[0].open) === 0 ? true : undefined;
      },
      timeoutMs,
      250,
    );
  });
}

export async function drainResult(url: string, since: Date): Promise<Omit<DrainResult, 'duplicateExecutions' | 'rssAfterMb'> & { distinctSucceeded: number }> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<Record<string, string | null>>(
      `SELECT count(*) FILTER (WHERE scheduled_for <= $1 AND status = 'succeeded') AS backlog,
              count(*) FILTER (WHERE scheduled_for > $1) AS later,
              count(*) FILTER (WHERE status <> 'succeeded') AS not_succeeded,
              count(*) - count(DISTINCT (job_id, scheduled_for)) AS duplicate_rows,
              count(DISTINCT (job_id, scheduled_for)) FILTER (WHERE status = 'succeeded') AS distinct_succeeded,
              extract(epoch FROM max(finished_at) FILTER (WHERE scheduled_for <= $1) - min(created_at)) AS seconds
         FROM job_runs`,
      [since],
    );
    const row = rows[0];
    const seconds = Number(row.seconds);
    return {
      backlogRuns: Number(row.backlog),
      laterRuns: Number(row.later),
      notSucceeded: Number(row.not_succeeded),
      duplicateRows: Number(row.duplicate_rows),
      distinctSucceeded: Number(row.distinct_succeeded),
      seconds,
      jobsPerSecond: Number(row.backlog) / seconds,
    };
  });
}

/**
 * One drain of the 100,000 due jobs by processes of the service, one per entry of `instances` (its
 * environment on top of `base`, by default a tick every second): from the first claim (the first run
 * row inserted) to the last finished run, as the database recorded them.
 */
export async function drainWithService(
  context: BenchContext,
  label: string,
  instances: Record<string, string>[],
  template = DISPATCH_TEMPLATE,
  base: Record<string, string> = { SCHEDULER_TICK: '* * * * * *' },
): Promise<DrainResult> {
  const name = `bench_drain_${label.replace(/\W+/g, '_').toLowerCase()}`;
  const url = await context.database.clone(template, name);
  const started: BenchProcess[] = [];
  try {
    for (const [index, environment] of instances.entries()) {
      started.push(
        context.processes.add(
          await BenchProcess.service(`${label}-${index + 1}`, { DATABASE_URL: url, ...base, ...environment }),
        ),
      );
    }
    await sleep(1_500);
    const since = await makeAllDue(url);
    await waitUntilDrained(url, since, Number(process.env.BENCH_DRAIN_TIMEOUT_MS ?? 300_000)).catch((error: unknown) => {
      for (const instance of started) progress(`${instance.name} output:\n${instance.output.join('').slice(-3_000)}`);
      throw error;
    });
    // Quiesce before counting, so that no occurrence fires between reading the database and the metrics.
    await withClient(url, (client) => client.query('UPDATE jobs SET is_active = false'));
    await waitUntilDrained(url, since, 60_000);
    const result = await drainResult(url, since);
    let executions = 0;
    for (const instance of started) executions += await instance.metricSum('scheduler_job_runs_total', { status: 'succeeded' });
    const rssAfterMb = started.map((instance) => instance.rss());
    progress(`  ${label}: ${Math.round(result.jobsPerSecond)} jobs/s (${result.backlogRuns} runs in ${result.seconds.toFixed(1)} s)`);
    return { ...result, duplicateExecutions: Math.max(0, executions - result.distinctSucceeded), rssAfterMb };
  } finally {
    await Promise.all(started.map((instance) => instance.stop()));
    await context.database.drop(name);
  }
}

/** The plain-SQL reference loop (bench/peers/plain-sql.ts) on the same 100,000 due jobs. */
export async function drainWithPlainSql(context: BenchContext, label: string, batch: number, connections = 1, template = DISPATCH_TEMPLATE): Promise<DrainResult> {
  const name = `bench_drain_${label.replace(/\W+/g, '_').toLowerCase()}`;
  const url = await context.database.clone(template, name);
  try {
    const since = await makeAllDue(url);
    const loop = context.processes.add(
      await BenchProcess.script(label, 'peers/plain-sql.ts', { DATABASE_URL: url, BATCH: String(batch), CONNECTIONS: String(connections) }, false),
    );
    const code = await loop.exited;
    if (code !== 0) throw new Error(`${label} failed:\n${loop.output.join('')}`);
    progress(`    ${loop.output.join('').trim()}`);
    const result = await drainResult(url, since);
    progress(`  ${label}: ${Math.round(result.jobsPerSecond)} jobs/s (${result.backlogRuns} runs in ${result.seconds.toFixed(1)} s)`);
    return { ...result, duplicateExecutions: 0, rssAfterMb: [] };
  } finally {
    await context.database.drop(name);
  }
}

/** A peer's drain script on a fresh, empty database; it prints {"jobs", "seconds"}. */
export async function drainWithPeer(
  context: BenchContext,
  label: string,
  script: string,
  environment: Record<string, string>,
  jobs = DISPATCH_JOBS,
): Promise<DrainResult> {
  const name = `bench_peer_${label.replace(/\W+/g, '_').toLowerCase()}`;
  await context.database.drop(name);
  await context.database.admin(`CREATE DATABASE ${name}`);
  try {
    const peer = context.processes.add(
      await BenchProcess.script(label, script, { DATABASE_URL: context.database.url(name), JOBS: String(jobs), ...environment }, false),
    );
    const code = await peer.exited;
    const output = peer.output.join('');
    const line = output.split('\n').find((text) => text.startsWith('{"jobs"'));
    if (code !== 0 || !line) throw new Error(`${label} failed (exit ${code}):\n${output.slice(-3_000)}`);
    const drained = JSON.parse(line) as { jobs: number; seconds: number };
    progress(`  ${label}: ${Math.round(drained.jobs / drained.seconds)} jobs/s (${drained.jobs} jobs in ${drained.seconds.toFixed(1)} s)`);
    const { seconds } = drained;
    return {
      jobsPerSecond: drained.jobs / seconds,
      backlogRuns: drained.jobs,
      laterRuns: 0,
      seconds,
      duplicateRows: 0,
      duplicateExecutions: 0,
      notSucceeded: 0,
      rssAfterMb: [],
    };
  } finally {
    await context.database.drop(name);
  }
}
