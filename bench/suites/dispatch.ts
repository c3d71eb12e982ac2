import type { BenchContext, SuiteReport } from '../lib/context';
import { createDispatchTemplate, DISPATCH_JOBS, type DrainResult, drainWithPeer, drainWithPlainSql, drainWithService } from '../lib/drain';
import { table } from '../lib/markdown';
import { alternate, defined, ratios } from '../lib/repeat';
import { formatNumber, formatRatio, formatSummary, summarise } from '../lib/stats';
import { type Bar, barChart, lineChart } from '../lib/svg';

/** graphile-worker with its defaults (concurrency 1) drains a sample: 100,000 would take minutes. */
const SLOW_SAMPLE = 10_000;

interface Config {
  key: string;
  system: string;
  settings: string;
  processes: number;
  /** The batch size the service is compared at. */
  batch: number;
  jobs: number;
  run: (context: BenchContext, label: string) => Promise<DrainResult>;
}

const service = (batch: number, concurrency: number, instances: number): Config => ({
  key: `service, batch ${batch}, ${instances} instance${instances > 1 ? 's' : ''}`,
  system: 'service',
  settings: `SCHEDULER_BATCH_SIZE=${batch}, SCHEDULER_CONCURRENCY=${concurrency}`,
  processes: instances,
  batch,
  jobs: DISPATCH_JOBS,
  run: (context, label) =>
    drainWithService(
      context,
      label,
      Array.from({ length: instances }, () => ({ SCHEDULER_BATCH_SIZE: String(batch), SCHEDULER_CONCURRENCY: String(concurrency) })),
    ),
});

export const CONFIGS: Config[] = [
  // Concurrency four times the batch keeps claims in flight while earlier runs finish: 6.3-6.8k
  // jobs/s against 3.1-6.1k at 100, interleaved (100 is the default, sized for the lag suite).
  service(100, 400, 1),
  service(100, 400, 2),
  service(1000, 2000, 1),
  service(1000, 2000, 2),
  {
    key: 'plain SQL, batch 100',
    system: 'plain SQL',
    settings: 'one connection, claim + run insert in one statement, then one batched finish',
    processes: 1,
    batch: 100,
    jobs: DISPATCH_JOBS,
    run: (context, label) => drainWithPlainSql(context, label, 100),
  },
  {
    key: 'plain SQL, batch 1000',
    system: 'plain SQL',
    settings: 'the same, 1,000 per claim',
    processes: 1,
    batch: 1000,
    jobs: DISPATCH_JOBS,
    run: (context, label) => drainWithPlainSql(context, label, 1000),
  },
  {
    key: 'pg-boss, batch 100',
    system: 'pg-boss',
    settings: 'batchSize 100, burstWhenBatchFull, pollingIntervalSeconds 0.5',
    processes: 1,
    batch: 100,
    jobs: DISPATCH_JOBS,
    run: (context, label) => drainWithPeer(context, label, 'peers/pg-boss.ts', { BATCH: '100' }),
  },
  {
    key: 'pg-boss, batch 1000',
    system: 'pg-boss',
    settings: 'batchSize 1000 (its best here: 2,000 measured the same), burstWhenBatchFull',
    processes: 1,
    batch: 1000,
    jobs: DISPATCH_JOBS,
    run: (context, label) => drainWithPeer(context, label, 'peers/pg-boss.ts', { BATCH: '1000' }),
  },
  {
    key: 'graphile-worker, defaults',
    system: 'graphile-worker',
    settings: `concurrency 1, no local queue, completion per job (defaults); ${formatNumber(SLOW_SAMPLE)} jobs`,
    processes: 1,
    batch: 1,
    jobs: SLOW_SAMPLE,
    run: (context, label) => drainWithPeer(context, label, 'peers/graphile-worker.ts', {}, SLOW_SAMPLE),
  },
  {
    key: 'graphile-worker, tuned',
    system: 'graphile-worker',
    settings: 'localQueue.size 2000, concurrency 50, completeJobBatchDelay 0 (batched completion)',
    processes: 1,
    batch: 2000,
    jobs: DISPATCH_JOBS,
    run: (context, label) =>
      drainWithPeer(context, label, 'peers/graphile-worker.ts', { CONCURRENCY: '50', LOCAL_QUEUE: '2000', COMPLETE_BATCH_DELAY: '0' }),
  },
];

interface Comparison {
  target: string;
  service: string;
  other: string;
  /** service ÷ other must reach this. */
  atLeast: number;
}

export const COMPARISONS: Comparison[] = [
  { target: '≥ ½ the plain-SQL limit, same batch size', service: 'service, batch 100, 1 instance', other: 'plain SQL, batch 100', atLeast: 0.5 },
  { target: '≥ ½ the plain-SQL limit, same batch size', service: 'service, batch 1000, 1 instance', other: 'plain SQL, batch 1000', atLeast: 0.5 },
  { target: '≥ 2× pg-boss, same batch size', service: 'service, batch 100, 1 instance', other: 'pg-boss, batch 100', atLeast: 2 },
  { target: '≥ 2× pg-boss at its best', service: 'service, batch 1000, 1 instance', other: 'pg-boss, batch 1000', atLeast: 2 },
  { target: '≥ graphile-worker, its defaults', service: 'service, batch 100, 1 instance', other: 'graphile-worker, defaults', atLeast: 1 },
  { target: '≥ graphile-worker, tuned', service: 'service, batch 1000, 1 instance', other: 'graphile-worker, tuned', atLeast: 1 },
];

export async function dispatchSuite(context: BenchContext): Promise<SuiteReport> {
  await createDispatchTemplate(context);
  const results = await alternate<DrainResult>(
    CONFIGS.map((config) => ({ key: config.key, run: (repetition) => config.run(context, `${config.key} #${repetition + 1}`) })),
    context.options.reps,
  );
  const throughput = (key: string) => results.get(key)!.map((result) => result?.jobsPerSecond);
  const rss = defined(results.get('service, batch 100, 1 instance')!).flatMap((result) => result.rssAfterMb);
  context.shared.set('rssAfterDrain', rss);

  const rows = CONFIGS.map((config) => {
    const measured = defined(results.get(config.key)!);
    const duplicates = config.system === 'service' ? measured.reduce((sum, result) => sum + result.duplicateRows + result.duplicateExecutions, 0) : undefined;
    const failed = context.options.reps - measured.length;
    return [
      config.key,
      config.settings,
      formatSummary(summarise(measured.map((result) => result.jobsPerSecond))),
      formatSummary(summarise(measured.map((result) => result.backlogRuns))),
      duplicates === undefined ? '–' : String(duplicates),
      failed ? `${failed} failed` : '',
    ];
  });
  const comparisonRows = COMPARISONS.map((comparison) => {
    const ratio = summarise(ratios(throughput(comparison.service), throughput(comparison.other)));
    const met = Number.isFinite(ratio.median) ? (ratio.median >= comparison.atLeast ? 'met' : 'missed') : 'not measured';
    return [comparison.target, `${comparison.service} ÷ ${comparison.other}`, formatRatio(ratio), met];
  });

  const bars: Bar[] = CONFIGS.map((config) => {
    const summary = summarise(defined(throughput(config.key)));
    return { label: config.key, group: config.system, median: summary.median, min: summary.min, max: summary.max };
  });
  const markdown = [
    `100,000 active jobs, all due at once (a mix of 11 schedules, from every minute to monthly, in 10 time zones; their occurrences spread over the 30 s before the drain), drained with the \`log\` type at LOG_LEVEL=warn (a no-op). Jobs/s from the first claim to the last finished run, as the database recorded them; every occurrence due at the start is counted (a few every-minute jobs fall due twice). Peers drain 100,000 no-op jobs of their own, sent in bulk before the clock starts. Each figure: median (min–max) of ${context.options.reps} repetitions, trials interleaved.`,
    '',
    table(['drained by', 'settings', 'jobs/s', 'occurrences drained', 'duplicates', ''], rows, ['l', 'l', 'r', 'r', 'r', 'l']),
    '',
    'Duplicates: run rows sharing a (job, occurrence) plus executions counted by the instances\' own metrics beyond the distinct occurrences recorded; both must be 0.',
    '',
    'Ratios, each taken within one repetition:',
    '',
    table(['target', 'ratio', 'service ÷ other', ''], comparisonRows, ['l', 'l', 'r', 'l']),
    '',
    '![Dispatch throughput](dispatch-throughput.svg)',
    '',
    '![Throughput against instances](dispatch-instances.svg)',
  ].join('\n');
  return {
    name: 'dispatch',
    markdown,
    data: { configs: CONFIGS.map(({ run: _run, ...config }) => ({ ...config, results: results.get(config.key) })) },
    charts: {
      'dispatch-throughput.svg': barChart('Dispatch throughput: 100,000 due jobs (median, min–max)', 'jobs per second', bars),
      'dispatch-instances.svg': instancesChart((key) => summarise(defined(throughput(key))).median),
    },
  };
}

/** Throughput against the number of instances, one line per batch size. */
export function instancesChart(median: (key: string) => number): string {
  const series = [100, 1000].map((batch) => ({
    label: `batch ${batch}`,
    points: [1, 2].map((instances): [number, number] => [instances, median(`service, batch ${batch}, ${instances} instance${instances > 1 ? 's' : ''}`)]),
  }));
  return lineChart('Service dispatch throughput against instances (median jobs/s)', 'instances', 'jobs per second', series);
}
