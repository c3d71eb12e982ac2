import { connect as connectTcp } from 'node:net';
import { connect } from 'amqplib';
import type { BenchContext, SuiteReport } from '../lib/context';
import { createDispatchTemplate, type DrainResult, drainWithService } from '../lib/drain';
import { progress } from '../lib/log';
import { table } from '../lib/markdown';
import { alternate, defined, ratios } from '../lib/repeat';
import { formatRatio, formatSummary, summarise } from '../lib/stats';

export const AMQP_URL = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export function rabbitMqReachable(url = AMQP_URL): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connectTcp({ host: hostname, port: Number(port || 5672) });
    const done = (reachable: boolean) => {
      socket.destroy();
      resolve(reachable);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function deleteQueues(queue: string): Promise<void> {
  const connection = await connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    await channel.deleteQueue(queue);
    await channel.deleteQueue(`${queue}.dead`);
  } finally {
    await connection.close();
  }
}

const SETTINGS = { SCHEDULER_BATCH_SIZE: '100', SCHEDULER_CONCURRENCY: '100' };
/** Workers start runs one conditional update at a time: 100,000 would take minutes per drain. */
const JOBS = 20_000;
const TEMPLATE = 'bench_broker';

function brokerDrain(context: BenchContext, label: string, workers: number): Promise<DrainResult> {
  const queue = `scheduler.bench.${process.pid}.${label.replace(/\W+/g, '_').toLowerCase()}`;
  const common = { ...SETTINGS, EXECUTION_MODE: 'broker', AMQP_URL, AMQP_QUEUE: queue };
  const scheduler = { ...common, SCHEDULER_ENABLED: 'true', WORKER_ENABLED: 'false' };
  const worker = { ...common, SCHEDULER_ENABLED: 'false', WORKER_ENABLED: 'true' };
  return drainWithService(context, label, [scheduler, ...Array.from({ length: workers }, () => worker)], TEMPLATE).finally(() =>
    deleteQueues(queue).catch(() => undefined),
  );
}

const CONFIGS = [
  { key: 'inline, 1 instance', run: (context: BenchContext, label: string) => drainWithService(context, label, [SETTINGS], TEMPLATE) },
  { key: 'broker, 1 scheduler + 1 worker', run: (context: BenchContext, label: string) => brokerDrain(context, label, 1) },
  { key: 'broker, 1 scheduler + 2 workers', run: (context: BenchContext, label: string) => brokerDrain(context, label, 2) },
];

export async function brokerSuite(context: BenchContext): Promise<SuiteReport> {
  if (!(await rabbitMqReachable())) {
    progress(`RabbitMQ is not reachable at ${AMQP_URL}: the broker suite is skipped`);
    return { name: 'broker', markdown: `Not measured: no RabbitMQ at ${AMQP_URL} (set BENCH_AMQP_URL).`, data: null };
  }
  await createDispatchTemplate(context, JOBS, TEMPLATE);
  const results = await alternate<DrainResult>(
    CONFIGS.map((config) => ({ key: config.key, run: (repetition) => config.run(context, `${config.key} #${repetition + 1}`) })),
    context.options.reps,
  );
  const inline = results.get(CONFIGS[0].key)!.map((result) => result?.jobsPerSecond);
  const rows = CONFIGS.map((config) => {
    const measured = results.get(config.key)!;
    const present = defined(measured);
    return [
      config.key,
      formatSummary(summarise(present.map((result) => result.jobsPerSecond))),
      config === CONFIGS[0] ? '1' : formatRatio(summarise(ratios(measured.map((result) => result?.jobsPerSecond), inline))),
      String(present.reduce((sum, result) => sum + result.duplicateRows + result.duplicateExecutions, 0)),
    ];
  });
  const markdown = [
    `${JOBS.toLocaleString('en-US')} of the dispatch suite's jobs, all due, drained in broker mode (EXECUTION_MODE=broker: the scheduler claims runs as \`queued\` and publishes their ids to a RabbitMQ queue of this run's own; workers move them \`queued\` → \`running\` and execute them) next to one inline instance, all with SCHEDULER_BATCH_SIZE=100 and SCHEDULER_CONCURRENCY=100 (a worker's prefetch). Jobs/s from the first run row inserted to the last finished run. RabbitMQ is the machine's own (${new URL(AMQP_URL).host}). Median (min–max) of ${context.options.reps} repetitions, interleaved.`,
    '',
    table(['drained by', 'jobs/s', 'ratio to inline', 'duplicates'], rows),
  ].join('\n');
  return { name: 'broker', markdown, data: Object.fromEntries(results) };
}
