// pg-boss draining JOBS no-op jobs: sent in bulk first (not timed), then worked with BATCH per
// fetch and LOCAL_CONCURRENCY workers, fetching without pause while batches come back full.
// Prints one JSON line: jobs and seconds from the first start to the last completion (pg-boss's
// own started_on and completed_on columns).
import { Client } from 'pg';
import { PgBoss } from 'pg-boss';

const QUEUE = 'bench';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL!;
  const total = Number(process.env.JOBS ?? 100_000);
  const batchSize = Number(process.env.BATCH ?? 100);
  const localConcurrency = Number(process.env.LOCAL_CONCURRENCY ?? 1);
  const boss = new PgBoss({ connectionString: url, max: Number(process.env.POOL ?? 10), schedule: false });
  boss.on('error', (error: unknown) => console.error(error));
  await boss.start();
  await boss.createQueue(QUEUE);
  for (let sent = 0; sent < total; sent += 10_000) {
    const count = Math.min(10_000, total - sent);
    await boss.insert(QUEUE, Array.from({ length: count }, (_, index) => ({ data: { n: sent + index } })));
  }
  let done = 0;
  let finished: () => void = () => undefined;
  const allHandled = new Promise<void>((resolve) => (finished = resolve));
  await boss.work(
    QUEUE,
    { batchSize, localConcurrency, pollingIntervalSeconds: 0.5, burstWhenBatchFull: true },
    async (jobs) => {
      done += jobs.length;
      if (done >= total) finished();
    },
  );
  await allHandled;
  const client = new Client({ connectionString: url });
  await client.connect();
  // A handler's jobs are completed after it returns: wait until every one is.
  for (;;) {
    const { rows } = await client.query<{ open: string }>(`SELECT count(*) AS open FROM pgboss.job WHERE name = $1 AND state <> 'completed'`, [QUEUE]);
    if (Number(rows[0].open) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { rows } = await client.query<{ jobs: string; seconds: string }>(
    `SELECT count(*) AS jobs, extract(epoch FROM max(completed_on) - min(started_on)) AS seconds FROM pgboss.job WHERE name = $1`,
    [QUEUE],
  );
  await client.end();
  await boss.stop({ graceful: false, timeout: 1_000 });
  process.stdout.write(`${JSON.stringify({ jobs: Number(rows[0].jobs), seconds: Number(rows[0].seconds) })}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
