import type { Client } from 'pg';

/**
 * What production cron tables look like: mostly hourly and daily work, some every quarter hour,
 * few every minute, in the time zones of the people who own them. Weights are per hundred jobs.
 */
export const SCHEDULE_MIX: [string, number][] = [
  ['0 * * * *', 20],
  ['30 2 * * *', 15],
  ['0 9 * * 1-5', 15],
  ['*/15 * * * *', 10],
  ['0 0 * * *', 10],
  ['0 */6 * * *', 8],
  ['0 12 * * 0', 5],
  ['0 0 1 * *', 5],
  ['*/5 * * * *', 5],
  ['0 8-18 * * 1-5', 5],
  ['* * * * *', 2],
];

export const TIMEZONE_MIX: [string, number][] = [
  ['UTC', 30],
  ['America/New_York', 15],
  ['Europe/London', 10],
  ['Europe/Paris', 10],
  ['Asia/Tokyo', 8],
  ['America/Los_Angeles', 8],
  ['Asia/Kolkata', 6],
  ['Australia/Sydney', 5],
  ['America/Sao_Paulo', 4],
  ['Europe/Berlin', 4],
];

const expand = (mix: [string, number][]) => mix.flatMap(([value, weight]) => Array<string>(weight).fill(value));

export interface SeedOptions {
  /** Ids (and names) are first..first+count-1. */
  first: number;
  count: number;
  /** SQL for next_run, may use `g` (the job's number). */
  nextRun: string;
  isActive?: boolean;
  /** A fixed schedule for every job instead of the mix (the lag suite's every-second jobs). */
  schedule?: string;
}

/**
 * Inserts jobs in one statement with generate_series: a million rows take seconds, not an hour of
 * POST /jobs. Rows are what the API would store (type log with its defaults filled in).
 */
export async function seedJobs(client: Client, options: SeedOptions): Promise<void> {
  const schedules = options.schedule ? [options.schedule] : expand(SCHEDULE_MIX);
  const zones = expand(TIMEZONE_MIX);
  await client.query(
    `INSERT INTO jobs (id, name, description, schedule, timezone, type, params, is_active, next_run, updated_at)
     SELECT g, 'bench job ' || g, 'seeded by the benchmark harness',
            ($1::text[])[1 + g % cardinality($1::text[])],
            ($2::text[])[1 + (g * 7 + g / 100) % cardinality($2::text[])],
            'log', '{"level":"log"}'::jsonb, $5, ${options.nextRun}, now()
       FROM generate_series($3::int, $3::int + $4::int - 1) AS g`,
    [schedules, zones, options.first, options.count, options.isActive ?? true],
  );
  await client.query(`SELECT setval(pg_get_serial_sequence('jobs', 'id'), (SELECT max(id) FROM jobs))`);
}
