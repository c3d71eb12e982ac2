// The reference claim loop in plain SQL: what one connection can do at a given batch size with the
// same writes as the service (job advanced, run inserted running, run finished, job's lastStatus),
// minus everything that is not SQL (no cron computation, no framework, no job execution).
// Reads DATABASE_URL, BATCH, CONNECTIONS; prints one JSON line with what it did.
import { Client } from 'pg';
import { CLAIM, FINISH } from './plain-sql-statements';

async function loop(url: string, batch: number, name: string): Promise<{ claims: number; runs: number; claimMs: number; finishMs: number }> {
  const client = new Client({ connectionString: url, application_name: name });
  await client.connect();
  let claims = 0;
  let runs = 0;
  let claimMs = 0;
  let finishMs = 0;
  try {
    for (;;) {
      const t0 = performance.now();
      const { rows } = await client.query<{ id: string; job_id: number }>(CLAIM, [batch, name]);
      const t1 = performance.now();
      claimMs += t1 - t0;
      if (rows.length === 0) break;
      claims += 1;
      runs += rows.length;
      await client.query(FINISH, [rows.map((row) => row.id), name]);
      finishMs += performance.now() - t1;
    }
  } finally {
    await client.end();
  }
  return { claims, runs, claimMs, finishMs };
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL!;
  const batch = Number(process.env.BATCH ?? 100);
  const connections = Number(process.env.CONNECTIONS ?? 1);
  const loops = await Promise.all(Array.from({ length: connections }, (_, index) => loop(url, batch, `plain-sql-${index + 1}`)));
  process.stdout.write(`${JSON.stringify(loops)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
