import { loadavg } from 'node:os';
import type { Client } from 'pg';
import { notifyDueSql } from '../../src/due-notices/due-notice';
import type { BenchContext, SuiteReport } from '../lib/context';
import { EMPTY_TEMPLATE, queryThroughDeadlocks, withClient } from '../lib/database';
import { createDispatchTemplate, type DrainResult, drainWithPlainSql, drainWithService } from '../lib/drain';
import { progress, sleep } from '../lib/log';
import { table } from '../lib/markdown';
import { alignedInstant, type LagFigures, lagFigures, onceAtSchedule, type Target, transactionsPerMinute, verdict } from '../lib/precision-stats';
import { quiesce } from '../lib/quiesce';
import { alternate, defined, ratios } from '../lib/repeat';
import { seedJobs } from '../lib/seed';
import { AUTHORIZATION, BenchProcess } from '../lib/service';
import { formatNumber, formatSummary, summarise } from '../lib/stats';

/** Job ids of the timing run: each range is one kind of work (the rest of the table's rows use the API). */
const EVERY_2S = { first: 1, count: 100, schedule: '*/2 * * * * *' };
const EVERY_1S = { first: 101, count: 100, schedule: '* * * * * *' };
const EVERY_MINUTE = { first: 201, count: 20, schedule: '* * * * *' };
/** Fail at once (an http call to loopback, which the outbound policy refuses), retried once after 500 ms. */
const FAILING = { first: 221, count: 10, schedule: '*/5 * * * * *' };
const RUN_NOW_JOB = 231;
/** 2,000 every-second jobs: 2,000 occurrences a second. */
const BUSY = { first: 1001, count: 2_000, schedule: '* * * * * *' };
const BACKOFF_MS = 500;
const NOT_YET = `'2100-01-01T00:00:00Z'::timestamptz`;
const DRAIN_TEMPLATE = 'bench_precision_drain';

interface Durations {
  windowSeconds: number;
  idleSeconds: number;
  drainJobs: number;
}

/** `--quick`: a smoke run of a few minutes, every row measured briefly; its figures are not the table's. */
function durations(context: BenchContext): Durations {
  return context.options.quick ? { windowSeconds: 10, idleSeconds: 20, drainJobs: 10_000 } : { windowSeconds: 60, idleSeconds: 120, drainJobs: 50_000 };
}

interface Load {
  atStart: number;
  atEnd: number;
}

export interface TimingResult {
  load: Load;
  idlePerMinute: number;
  idleTransactions: number;
  scheduled: LagFigures & { expected: number; duplicates: number };
  minute: LagFigures;
  retry: LagFigures;
  runNow: LagFigures;
  created: LagFigures;
  busy: LagFigures & { expected: number; duplicates: number };
}

const loadNow = () => Math.round(loadavg()[0] * 100) / 100;

async function lags(client: Client, sql: string, parameters: unknown[]): Promise<number[]> {
  const { rows } = await client.query<{ ms: string }>(sql, parameters);
  return rows.map((row) => Number(row.ms));
}

async function seedTimingJobs(client: Client): Promise<void> {
  for (const range of [EVERY_2S, EVERY_1S, EVERY_MINUTE, FAILING, { first: RUN_NOW_JOB, count: 1, schedule: '0 0 1 1 *' }, BUSY]) {
    await seedJobs(client, { ...range, nextRun: NOT_YET });
  }
  await client.query(
    `UPDATE jobs SET type = 'http', params = '{"url":"http://127.0.0.1:9/","method":"GET"}', max_attempts = 2, retry_backoff_ms = $3
      WHERE id BETWEEN $1 AND $2`,
    [FAILING.first, FAILING.first + FAILING.count - 1, BACKOFF_MS],
  );
  await client.query('VACUUM ANALYZE');
}

async function transactionCount(client: Client): Promise<number> {
  const { rows } = await client.query<{ count: string }>(
    'SELECT xact_commit + xact_rollback AS count FROM pg_stat_database WHERE datname = current_database()',
  );
  return Number(rows[0].count);
}

/** Nothing due for `seconds`: the transactions of the two scheduling instances (and the API-only one, which should add none). */
async function idleCost(client: Client, seconds: number): Promise<{ perMinute: number; transactions: number }> {
  // Backends report their counts at most every 10 s once idle: let the start-up's be counted first.
  await sleep(12_000);
  const before = await transactionCount(client);
  await sleep(seconds * 1_000);
  const after = await transactionCount(client);
  return { perMinute: transactionsPerMinute(before, after, 1, seconds, 2), transactions: after - before - 1 };
}

async function dbNow(client: Client): Promise<number> {
  const { rows } = await client.query<{ now: Date }>('SELECT clock_timestamp() AS now');
  return rows[0].now.getTime();
}

/** Makes the jobs `first..last` due at `at` (and active), with the notice the API would send. */
async function makeDue(client: Client, first: number, last: number, at: Date, atSql = '$3::timestamptz'): Promise<void> {
  await queryThroughDeadlocks(
    client,
    `WITH moved AS (UPDATE jobs SET is_active = true, next_run = ${atSql} WHERE id BETWEEN $1 AND $2 RETURNING next_run)
     SELECT ${notifyDueSql('(SELECT min(next_run) FROM moved)')}`,
    [first, last, at],
  );
}

const last = (range: { first: number; count: number }) => range.first + range.count - 1;

/**
 * The 200 second-level jobs, the minute jobs, the failing jobs and, every 2 s through the API-only
 * instance, a run now and a job created due 2 s later, all in one window of `seconds` from an
 * instant every schedule shares.
 */
async function mixedWindow(client: Client, api: BenchProcess, seconds: number): Promise<Omit<TimingResult, 'load' | 'idlePerMinute' | 'idleTransactions' | 'busy'>> {
  const start = new Date(alignedInstant(await dbNow(client), 10_000, 3_000));
  const end = new Date(start.getTime() + seconds * 1_000);
  await makeDue(client, EVERY_2S.first, last(FAILING), start);
  await makeDue(client, EVERY_MINUTE.first, last(EVERY_MINUTE), start, `date_trunc('minute', $3::timestamptz) + interval '1 minute'`);
  const minuteAt = Math.ceil((start.getTime() + 1) / 60_000) * 60_000;
  const runNows: { id: number; respondedAt: number }[] = [];
  const created: number[] = [];
  // Half a second off the whole seconds, where the scheduled jobs fall due: each row measures its own path.
  const offset = start.getTime() + 500;
  while (Date.now() < offset) await sleep(50);
  for (let n = 0; Date.now() < end.getTime() - 3_000; n += 1) {
    const run = await fetch(`${api.url}/jobs/${RUN_NOW_JOB}/run`, { method: 'POST', headers: AUTHORIZATION });
    const respondedAt = Date.now();
    if (run.status !== 202) throw new Error(`run now answered ${run.status}: ${await run.text()}`);
    runNows.push({ id: ((await run.json()) as { id: number }).id, respondedAt });
    const due = new Date(Math.ceil(Date.now() / 1_000) * 1_000 + 2_000);
    const job = await fetch(`${api.url}/jobs`, {
      method: 'POST',
      headers: { ...AUTHORIZATION, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `precision created ${start.getTime()}-${n}`, schedule: onceAtSchedule(due) }),
    });
    if (job.status !== 201) throw new Error(`POST /jobs answered ${job.status}: ${await job.text()}`);
    created.push(((await job.json()) as { id: number }).id);
    await sleep(Math.max(0, offset + (n + 1) * 2_000 - Date.now()));
  }
  // Until the window's end, the minute's occurrence and the last created job's have run.
  while (Date.now() < Math.max(end.getTime(), minuteAt) + 3_000) await sleep(200);
  await quiesce(client);
  const lagSql = (where: string) =>
    `SELECT extract(epoch FROM started_at - scheduled_for) * 1000 AS ms FROM job_runs WHERE attempt = 1 AND started_at IS NOT NULL AND ${where}`;
  const scheduledLags = await lags(client, lagSql('job_id BETWEEN $1 AND $2 AND scheduled_for >= $3 AND scheduled_for < $4'), [EVERY_2S.first, last(EVERY_1S), start, end]);
  const { rows } = await client.query<{ duplicates: string }>(
    `SELECT count(*) - count(DISTINCT (job_id, scheduled_for, attempt)) AS duplicates FROM job_runs`,
  );
  return {
    scheduled: { ...lagFigures(scheduledLags), expected: EVERY_2S.count * (seconds / 2) + EVERY_1S.count * seconds, duplicates: Number(rows[0].duplicates) },
    minute: lagFigures(await lags(client, lagSql('job_id BETWEEN $1 AND $2'), [EVERY_MINUTE.first, last(EVERY_MINUTE)])),
    retry: lagFigures(
      await lags(
        client,
        `SELECT extract(epoch FROM b.started_at - (a.finished_at + $3 * interval '1 millisecond')) * 1000 AS ms
           FROM job_runs a JOIN job_runs b ON b.job_id = a.job_id AND b.scheduled_for = a.scheduled_for AND b.attempt = 2
          WHERE a.attempt = 1 AND a.job_id BETWEEN $1 AND $2 AND b.started_at IS NOT NULL`,
        [FAILING.first, last(FAILING), BACKOFF_MS],
      ),
    ),
    runNow: lagFigures(
      await lags(
        client,
        `SELECT extract(epoch FROM r.started_at) * 1000 - t.responded_at AS ms
           FROM json_to_recordset($1::json) AS t(id bigint, responded_at double precision) JOIN job_runs r ON r.id = t.id`,
        [JSON.stringify(runNows.map((run) => ({ id: run.id, responded_at: run.respondedAt })))],
      ),
    ),
    created: lagFigures(await lags(client, lagSql('job_id = ANY($1::int[])'), [created])),
  };
}

/** 2,000 every-second jobs for `seconds`: the start lag at 2,000 occurrences a second. */
async function busyWindow(client: Client, seconds: number): Promise<TimingResult['busy']> {
  const start = new Date(alignedInstant(await dbNow(client), 1_000, 2_000));
  await makeDue(client, BUSY.first, last(BUSY), start);
  while (Date.now() < start.getTime() + seconds * 1_000) await sleep(200);
  await quiesce(client);
  // The last two seconds may have been cut off by the deactivation: not counted.
  const counted = seconds - 2;
  const busyLags = await lags(
    client,
    `SELECT extract(epoch FROM started_at - scheduled_for) * 1000 AS ms FROM job_runs
      WHERE attempt = 1 AND job_id BETWEEN $1 AND $2 AND scheduled_for >= $3 AND scheduled_for < $3 + $4 * interval '1 second'`,
    [BUSY.first, last(BUSY), start, counted],
  );
  const { rows } = await client.query<{ duplicates: string }>(
    `SELECT count(*) - count(DISTINCT (job_id, scheduled_for, attempt)) AS duplicates FROM job_runs WHERE job_id BETWEEN $1 AND $2`,
    [BUSY.first, last(BUSY)],
  );
  return { ...lagFigures(busyLags), expected: BUSY.count * counted, duplicates: Number(rows[0].duplicates) };
}

/** Two scheduling instances and one API-only instance, every setting at its default. */
async function timingRun(context: BenchContext, repetition: number): Promise<TimingResult> {
  const { windowSeconds, idleSeconds } = durations(context);
  const load: Load = { atStart: loadNow(), atEnd: NaN };
  const name = `bench_precision_${repetition}`;
  const url = await context.database.clone(EMPTY_TEMPLATE, name);
  const instances: BenchProcess[] = [];
  try {
    return await withClient(url, async (client) => {
      await seedTimingJobs(client);
      for (const [instance, environment] of [
        ['precision-1', {}],
        ['precision-2', {}],
        ['precision-api', { SCHEDULER_ENABLED: 'false' }],
      ] as const) {
        instances.push(context.processes.add(await BenchProcess.service(instance, { DATABASE_URL: url, ...environment })));
      }
      const api = instances[2];
      const idle = await idleCost(client, idleSeconds);
      progress(`  idle: ${idle.transactions} transactions in ${idleSeconds} s, ${idle.perMinute.toFixed(1)} per minute per scheduling instance`);
      const mixed = await mixedWindow(client, api, windowSeconds);
      progress(`  ${mixed.scheduled.count}/${mixed.scheduled.expected} occurrences, start lag p99 ${mixed.scheduled.p99.toFixed(0)} ms max ${mixed.scheduled.max.toFixed(0)} ms`);
      const busy = await busyWindow(client, windowSeconds);
      progress(`  2,000/s: ${busy.count}/${busy.expected} occurrences, start lag p99 ${busy.p99.toFixed(0)} ms`);
      load.atEnd = loadNow();
      return { load, idlePerMinute: idle.perMinute, idleTransactions: idle.transactions, ...mixed, busy };
    });
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    await context.database.drop(name);
  }
}

interface DrainFigure extends DrainResult {
  load: Load;
}

async function withLoad(drain: () => Promise<DrainResult>): Promise<DrainFigure> {
  const atStart = loadNow();
  const result = await drain();
  return { ...result, load: { atStart, atEnd: loadNow() } };
}

interface Row {
  what: string;
  figure: string;
  target: Target;
  targetText: string;
  pick: (result: TimingResult) => number;
}

const ROWS: Row[] = [
  { what: 'start lag of `*/2 * * * * *` and `* * * * * *` jobs, 200 jobs', figure: 'p99', target: { atMost: 50 }, targetText: 'p99 ≤ 50 ms', pick: (r) => r.scheduled.p99 },
  { what: 'the same', figure: 'max', target: { atMost: 250 }, targetText: 'max ≤ 250 ms', pick: (r) => r.scheduled.max },
  { what: 'the same at 2,000 occurrences a second', figure: 'p99', target: { atMost: 250 }, targetText: 'p99 ≤ 250 ms', pick: (r) => r.busy.p99 },
  { what: '`* * * * *` jobs: start − the minute', figure: 'p99', target: { atMost: 50 }, targetText: 'p99 ≤ 50 ms', pick: (r) => r.minute.p99 },
  { what: 'retry start − (finish + 500 ms backoff)', figure: 'p99', target: { atMost: 100 }, targetText: 'p99 ≤ 100 ms', pick: (r) => r.retry.p99 },
  { what: 'run now through the API-only instance: start − the 202', figure: 'p99', target: { atMost: 100 }, targetText: 'p99 ≤ 100 ms', pick: (r) => r.runNow.p99 },
  { what: 'job created through the API-only instance, due 2 s later: first start lag', figure: 'max', target: { atMost: 100 }, targetText: '≤ 100 ms', pick: (r) => r.created.max },
  { what: 'idle: transactions per minute per scheduling instance', figure: 'rate', target: { atMost: 6 }, targetText: '≤ 6', pick: (r) => r.idlePerMinute },
];

const TIMING = 'two scheduling instances and one API-only';
const DEFAULTS = 'drain, 1 instance at the defaults';
const PLAIN = 'plain SQL, batch 100';

export async function precisionSuite(context: BenchContext): Promise<SuiteReport> {
  const { windowSeconds, idleSeconds, drainJobs } = durations(context);
  await createDispatchTemplate(context, drainJobs, DRAIN_TEMPLATE);
  const results = await alternate<TimingResult | DrainFigure>(
    [
      { key: TIMING, run: (repetition) => timingRun(context, repetition) },
      { key: DEFAULTS, run: (repetition) => withLoad(() => drainWithService(context, `precision defaults ${repetition + 1}`, [{}], DRAIN_TEMPLATE, {})) },
      { key: PLAIN, run: (repetition) => withLoad(() => drainWithPlainSql(context, `precision plain ${repetition + 1}`, 100, 1, DRAIN_TEMPLATE)) },
    ],
    context.options.reps,
  );
  const timing = results.get(TIMING) as (TimingResult | undefined)[];
  const drains = (key: string) => results.get(key) as (DrainFigure | undefined)[];
  const drainRatio = ratios(
    drains(DEFAULTS).map((result) => result?.jobsPerSecond),
    drains(PLAIN).map((result) => result?.jobsPerSecond),
  );
  const measured = defined(timing);
  const ms = (values: number[]) => formatSummary(summarise(values), 0, ' ms');
  const rows = ROWS.map((row) => {
    const summary = summarise(measured.map(row.pick));
    const shown = row.figure === 'rate' ? formatSummary(summary, 1) : ms(summary.values);
    return [row.what, row.targetText, shown, verdict(summary.median, row.target)];
  });
  const ratioSummary = summarise(drainRatio);
  rows.push(['drain at the defaults ÷ plain-SQL loop at batch 100, same run', '≥ 0.5', formatSummary(ratioSummary, 2, '×'), verdict(ratioSummary.median, { atLeast: 0.5 })]);

  const fmtLoad = (load: Load | undefined) => (load ? `${formatNumber(load.atStart, 2)}–${formatNumber(load.atEnd, 2)}` : 'failed');
  const perRepetition = Array.from({ length: context.options.reps }, (_, index) => {
    const r = timing[index];
    const d = drains(DEFAULTS)[index];
    const p = drains(PLAIN)[index];
    const lag = (figures: LagFigures | undefined) => (figures ? `${formatNumber(figures.p99)} / ${formatNumber(figures.max)}` : '–');
    return [
      String(index + 1),
      fmtLoad(r?.load),
      lag(r?.scheduled),
      lag(r?.busy),
      lag(r?.minute),
      lag(r?.retry),
      lag(r?.runNow),
      lag(r?.created),
      r ? formatNumber(r.idlePerMinute, 1) : '–',
      d && p ? `${formatNumber(d.jobsPerSecond)} ÷ ${formatNumber(p.jobsPerSecond)} (load ${fmtLoad(d.load)}; ${fmtLoad(p.load)})` : '–',
    ];
  });
  const counts = measured.map((r) => `${r.scheduled.count}/${r.scheduled.expected} and ${r.busy.count}/${r.busy.expected}`).join(', ');
  const duplicates = measured.reduce((sum, r) => sum + r.scheduled.duplicates + r.busy.duplicates, 0);
  const samples = measured.map((r) => `${r.minute.count} minute, ${r.retry.count} retry, ${r.runNow.count} run-now, ${r.created.count} created`).join('; ');
  const markdown = [
    `Every setting at its default (safety tick every minute, batch and concurrency as shipped), two scheduling instances and one API-only instance (\`SCHEDULER_ENABLED=false\`), real processes against the harness's PostgreSQL. Each repetition: ${idleSeconds} s with nothing due (transactions from \`pg_stat_database\`, divided by the two scheduling instances); then one window of ${windowSeconds} s with 100 \`*/2 * * * * *\` and 100 \`* * * * * *\` \`log\` jobs, ${EVERY_MINUTE.count} \`* * * * *\` jobs, ${FAILING.count} failing \`*/5 * * * * *\` jobs (an \`http\` call the outbound policy refuses; two attempts, backoff ${BACKOFF_MS} ms), and every 2 s through the API-only instance (half a second off the scheduled jobs' seconds) a run now and a job created due 2 s later; then ${windowSeconds} s of ${BUSY.count.toLocaleString('en-US')} every-second jobs. Start is the run's \`started_at\` (the claim's transaction time), by the database clock. The drain: ${drainJobs.toLocaleString('en-US')} due jobs of the dispatch suite's mix, one instance at the defaults against the plain-SQL loop at batch 100, the ratio taken within each repetition. Median (min–max) of ${context.options.reps} repetitions, trials interleaved.${context.options.quick ? ' **A --quick smoke run: windows too short for the table.**' : ''}`,
    '',
    table(['what', 'target', 'measured', ''], rows, ['l', 'l', 'r', 'l']),
    '',
    'Each repetition (p99 / max in ms; load average at its start and end):',
    '',
    table(
      ['#', 'load', '200 jobs', '2,000/s', 'minute', 'retry', 'run now', 'created', 'idle tx/min', 'drain jobs/s, defaults ÷ plain SQL'],
      perRepetition,
      ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    ),
    '',
    `Occurrences counted (200 jobs, and 2,000/s without the last 2 s): ${counts}; ${duplicates} ran twice. Samples: ${samples}.`,
  ].join('\n');
  return { name: 'precision', markdown, data: { windowSeconds, idleSeconds, drainJobs, results: Object.fromEntries(results) } };
}
