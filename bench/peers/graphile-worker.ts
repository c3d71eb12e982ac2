// graphile-worker draining JOBS no-op jobs: added in bulk first (not timed), then worked with
// CONCURRENCY, a local queue of LOCAL_QUEUE jobs (0: none, the default) and completions batched
// over COMPLETE_BATCH_DELAY ms (-1: one by one, the default). Completed jobs are deleted, so the
// drain ends when the jobs table is empty. Prints one JSON line: jobs and seconds from the first
// job started to the table found empty.
import { Client } from 'pg';
import { Logger, makeWorkerUtils, run } from 'graphile-worker';

/** Errors only: a line per completed job would measure the console. */
const logger = new Logger(() => (level: string, message: string) => {
  if (level === 'error') console.error(message);
});

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL!;
  const total = Number(process.env.JOBS ?? 100_000);
  const concurrency = Number(process.env.CONCURRENCY ?? 1);
  const localQueueSize = Number(process.env.LOCAL_QUEUE ?? 0);
  const completeJobBatchDelay = Number(process.env.COMPLETE_BATCH_DELAY ?? -1);
  const utils = await makeWorkerUtils({ connectionString: url, logger });
  await utils.migrate();
  for (let added = 0; added < total; added += 10_000) {
    const count = Math.min(10_000, total - added);
    await utils.addJobs(Array.from({ length: count }, (_, index) => ({ identifier: 'bench', payload: { n: added + index } })));
  }
  await utils.release();
  let started: number | undefined;
  let handled = 0;
  const runner = await run({
    connectionString: url,
    concurrency,
    noHandleSignals: true,
    pollInterval: 500,
    logger,
    taskList: {
      bench: async () => {
        started ??= Date.now();
        handled += 1;
      },
    },
    preset: {
      worker: {
        ...(localQueueSize > 0 ? { localQueue: { size: localQueueSize } } : {}),
        completeJobBatchDelay,
        maxPoolSize: Math.max(10, concurrency + 2),
      },
    },
  });
  const client = new Client({ connectionString: url });
  await client.connect();
  for (;;) {
    const { rows } = await client.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM graphile_worker._private_jobs) AS empty');
    if (rows[0].empty) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (Date.now() - started!) / 1000;
  await client.end();
  await runner.stop();
  process.stdout.write(`${JSON.stringify({ jobs: handled, seconds })}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
