import type { BenchContext, SuiteReport } from '../lib/context';
import { EMPTY_TEMPLATE, withClient } from '../lib/database';
import { progress, sleep } from '../lib/log';
import { table } from '../lib/markdown';
import { quiesce } from '../lib/quiesce';
import { alternate, defined } from '../lib/repeat';
import { seedJobs } from '../lib/seed';
import { BenchProcess } from '../lib/service';
import { formatSummary, summarise } from '../lib/stats';
import { type Bar, barChart, lineChart } from '../lib/svg';

export const LAG_JOBS = 2_000;
const INSTANCES = 2;
const SAMPLE_EVERY_MS = 5_000;

export interface LagResult {
  expected: number;
  ran: number;
  duplicates: number;
  start: { p50: number; p99: number; max: number };
  completion: { p50: number; p99: number; max: number };
  rssSamples: { seconds: number; rssMb: number[] }[];
  rssEndMb: number[];
}

export function lagSeconds(context: BenchContext): number {
  return context.options.long ? 600 : 30;
}

/** 2,000 every-second jobs for `seconds`, run by two instances ticking every second. */
async function lagRun(context: BenchContext, repetition: number, seconds: number): Promise<LagResult> {
  const name = `bench_lag_${repetition}`;
  const url = await context.database.clone(EMPTY_TEMPLATE, name);
  const instances: BenchProcess[] = [];
  const rssSamples: LagResult['rssSamples'] = [];
  try {
    await withClient(url, (client) =>
      seedJobs(client, { first: 1, count: LAG_JOBS, schedule: '* * * * * *', nextRun: `'2100-01-01T00:00:00Z'::timestamptz` }),
    );
    for (let index = 0; index < INSTANCES; index += 1) {
      instances.push(context.processes.add(await BenchProcess.service(`lag-${index + 1}`, { DATABASE_URL: url, SCHEDULER_TICK: '* * * * * *' })));
    }
    await sleep(1_500);
    const first = await withClient(url, async (client) => {
      const { rows } = await client.query<{ first: Date }>(
        `UPDATE jobs SET next_run = date_trunc('second', now()) + interval '1 second' RETURNING next_run AS first`,
      );
      return rows[0].first;
    });
    const startedAt = Date.now();
    while (Date.now() - startedAt < seconds * 1_000) {
      rssSamples.push({ seconds: Math.round((Date.now() - startedAt) / 1000), rssMb: instances.map((instance) => instance.rss()) });
      await sleep(Math.min(SAMPLE_EVERY_MS, seconds * 1_000 - (Date.now() - startedAt)));
    }
    await withClient(url, quiesce);
    const rssEndMb = instances.map((instance) => instance.rss());
    rssSamples.push({ seconds, rssMb: rssEndMb });
    // Occurrences in the last two seconds may have been cut off by the deactivation: not counted.
    const windowSeconds = seconds - 2;
    const stats = await withClient(url, async (client) => {
      const { rows } = await client.query<Record<string, string>>(
        `WITH runs AS (
           SELECT job_id, scheduled_for,
                  extract(epoch FROM started_at - scheduled_for) * 1000 AS start_ms,
                  extract(epoch FROM finished_at - scheduled_for) * 1000 AS completion_ms
             FROM job_runs
            WHERE attempt = 1 AND scheduled_for >= $1 AND scheduled_for < $1 + $2 * interval '1 second'
         )
         SELECT count(DISTINCT (job_id, scheduled_for)) AS ran, count(*) - count(DISTINCT (job_id, scheduled_for)) AS duplicates,
                percentile_disc(0.5) WITHIN GROUP (ORDER BY start_ms) AS start_p50,
                percentile_disc(0.99) WITHIN GROUP (ORDER BY start_ms) AS start_p99,
                max(start_ms) AS start_max,
                percentile_disc(0.5) WITHIN GROUP (ORDER BY completion_ms) AS completion_p50,
                percentile_disc(0.99) WITHIN GROUP (ORDER BY completion_ms) AS completion_p99,
                max(completion_ms) AS completion_max
           FROM runs`,
        [first, windowSeconds],
      );
      return rows[0];
    });
    const result: LagResult = {
      expected: LAG_JOBS * windowSeconds,
      ran: Number(stats.ran),
      duplicates: Number(stats.duplicates),
      start: { p50: Number(stats.start_p50), p99: Number(stats.start_p99), max: Number(stats.start_max) },
      completion: { p50: Number(stats.completion_p50), p99: Number(stats.completion_p99), max: Number(stats.completion_max) },
      rssSamples,
      rssEndMb,
    };
    progress(
      `  ${result.ran}/${result.expected} occurrences, start lag p50 ${result.start.p50.toFixed(0)} ms p99 ${result.start.p99.toFixed(0)} ms max ${result.start.max.toFixed(0)} ms`,
    );
    return result;
  } finally {
    await Promise.all(instances.map((instance) => instance.stop()));
    await context.database.drop(name);
  }
}

export async function lagSuite(context: BenchContext): Promise<SuiteReport> {
  const seconds = lagSeconds(context);
  const results = (await alternate([{ key: `lag, ${seconds} s`, run: (repetition) => lagRun(context, repetition, seconds) }], context.options.reps)).get(
    `lag, ${seconds} s`,
  )!;
  const measured = defined(results);
  context.shared.set('lag', { seconds, results: measured });
  const metric = (pick: (result: LagResult) => number, unit = ' ms') => formatSummary(summarise(measured.map(pick)), 0, unit);
  const rows = [
    ['start − scheduledFor', metric((r) => r.start.p50), metric((r) => r.start.p99), metric((r) => r.start.max)],
    ['finish − scheduledFor (completion)', metric((r) => r.completion.p50), metric((r) => r.completion.p99), metric((r) => r.completion.max)],
  ];
  const bars: Bar[] = [];
  for (const [label, pick] of [
    ['start p50', (r: LagResult) => r.start.p50],
    ['start p99', (r: LagResult) => r.start.p99],
    ['start max', (r: LagResult) => r.start.max],
    ['completion p50', (r: LagResult) => r.completion.p50],
    ['completion p99', (r: LagResult) => r.completion.p99],
    ['completion max', (r: LagResult) => r.completion.max],
  ] as const) {
    const summary = summarise(measured.map(pick));
    bars.push({ label, group: label.split(' ')[0], median: summary.median, min: summary.min, max: summary.max });
  }
  const ran = measured.reduce((sum, r) => sum + r.ran, 0);
  const expected = measured.reduce((sum, r) => sum + r.expected, 0);
  const duplicates = measured.reduce((sum, r) => sum + r.duplicates, 0);
  const markdown = [
    `${LAG_JOBS.toLocaleString('en-US')} jobs scheduled every second (\`* * * * * *\`), run for ${seconds} s by ${INSTANCES} instances ticking every second (SCHEDULER_TICK=\`* * * * * *\`, other settings at their defaults), the \`log\` type at LOG_LEVEL=warn. Start and finish are the database's \`started_at\` (the claim's transaction time) and \`finished_at\`. Median (min–max) of ${context.options.reps} repetitions of each percentile.`,
    '',
    table(['lag', 'p50', 'p99', 'max'], rows),
    '',
    `Occurrences of the first ${seconds - 2} s (the last two may be cut off when the jobs are switched off): ${ran.toLocaleString('en-US')} of ${expected.toLocaleString('en-US')} expected ran, ${duplicates} twice.`,
    '',
    '![Lag percentiles](lag-percentiles.svg)',
  ].join('\n');
  const lastRun = measured[measured.length - 1];
  const charts: Record<string, string> = {
    'lag-percentiles.svg': barChart(`Lag, ${LAG_JOBS} every-second jobs on 2 instances (median, min–max)`, 'milliseconds after the occurrence', bars, {
      value: 1000,
      label: 'target: p99 < 1 s',
    }),
  };
  if (lastRun) {
    charts['lag-rss.svg'] = lineChart(
      `RSS of the two instances during the lag suite (${seconds} s, last repetition)`,
      'seconds',
      'RSS (MB)',
      [0, 1].map((index) => ({ label: `instance ${index + 1}`, points: lastRun.rssSamples.map((sample) => [sample.seconds, sample.rssMb[index]]) })),
    );
  }
  return { name: 'lag', markdown, data: { seconds, results }, charts };
}
