import { selectDueWork } from '../../src/scheduler/sql/select-due-work';
import type { RunStore } from '../../src/scheduler/run-store';
import { runStore } from '../lib/claim-path';
import type { BenchContext, SuiteReport } from '../lib/context';
import { EMPTY_TEMPLATE, withClient } from '../lib/database';
import { progress } from '../lib/log';
import { table } from '../lib/markdown';
import { alternate, defined, ratios } from '../lib/repeat';
import { seedJobs } from '../lib/seed';
import { formatNumber, formatRatio, formatSummary, summarise } from '../lib/stats';

const DUE = 1_000;
const BATCH = 100;
const SIZES = [10_000, 1_000_000];
const RESCUE_BATCH = 1_000;

interface TickTiming {
  /** The first claim of the tick: one batch of 100 out of 1,000 due. */
  claimMs: number;
  /** Median of the tick's full claims. */
  medianClaimMs: number;
  tickMs: number;
  claimed: number;
}

const databaseName = (size: number) => `bench_definitions_${size}`;

/** `size` jobs, of which the last 1,000 will be made due before each measurement; the rest due over the next day. */
async function createDefinitions(context: BenchContext, size: number): Promise<string> {
  const url = await context.database.clone(EMPTY_TEMPLATE, databaseName(size));
  await withClient(url, async (client) => {
    await seedJobs(client, { first: 1, count: size, nextRun: `now() + interval '1 hour' + (g % 86400) * interval '1 second'` });
    await client.query('VACUUM ANALYZE jobs');
  });
  return url;
}

/** Makes the last 1,000 jobs due again (spread over the last 30 s) and forgets earlier runs. */
async function reset(url: string, size: number): Promise<void> {
  await withClient(url, async (client) => {
    await client.query('DELETE FROM job_runs');
    await client.query(
      `UPDATE jobs SET next_run = date_trunc('second', now()) - ((id::bigint * 7919) % 30) * interval '1 second', last_run = NULL, last_status = NULL
        WHERE id > $1`,
      [size - DUE],
    );
    await client.query('VACUUM ANALYZE jobs, job_runs');
  });
}

/** What a tick does in the database (rescue, then claims until none is due), timed, without executing anything. */
async function timeTick(store: RunStore): Promise<TickTiming> {
  const claims: number[] = [];
  let claimed = 0;
  const tickStarted = performance.now();
  await store.abandonExpired(RESCUE_BATCH);
  for (;;) {
    const started = performance.now();
    const due = await store.claim(BATCH, 'bench');
    claims.push(performance.now() - started);
    claimed += due.runs.length;
    if (due.selected === 0) break;
  }
  const tickMs = performance.now() - tickStarted;
  return { claimMs: claims[0], medianClaimMs: summarise(claims.slice(0, -1)).median, tickMs, claimed };
}

async function explainClaim(url: string): Promise<string> {
  let text = '';
  await selectDueWork(
    {
      query: async (sql: string) => {
        text = sql;
        return { rows: [{ kind: 'clock', next_due_at: null, now: new Date() }] } as never;
      },
    },
    BATCH,
    null,
  );
  return withClient(url, async (client) => {
    await client.query('BEGIN');
    try {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${text}`, [BATCH, null]);
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await client.query('ROLLBACK');
    }
  });
}

export async function definitionsSuite(context: BenchContext): Promise<SuiteReport> {
  const urls = new Map<number, string>();
  // One store per database for the whole suite, as in a running instance (its next-run cache warm).
  const stores = new Map<number, ReturnType<typeof runStore>>();
  try {
    for (const size of SIZES) {
      progress(`seeding ${formatNumber(size)} jobs`);
      urls.set(size, await createDefinitions(context, size));
      stores.set(size, runStore(urls.get(size)!));
    }
    const results = await alternate(
      SIZES.map((size) => ({
        key: `${formatNumber(size)} jobs, ${formatNumber(DUE)} due`,
        run: async () => {
          await reset(urls.get(size)!, size);
          const timing = await timeTick(stores.get(size)!.store);
          progress(`  claim ${timing.claimMs.toFixed(1)} ms, tick ${timing.tickMs.toFixed(1)} ms, ${timing.claimed} runs`);
          return timing;
        },
      })),
      Math.max(context.options.reps, 5),
    );
    const plans = new Map<number, string>();
    for (const size of SIZES) {
      await reset(urls.get(size)!, size);
      plans.set(size, await explainClaim(urls.get(size)!));
    }
    const keys = SIZES.map((size) => `${formatNumber(size)} jobs, ${formatNumber(DUE)} due`);
    const series = (key: string, pick: (timing: TickTiming) => number) => results.get(key)!.map((timing) => (timing ? pick(timing) : undefined));
    const rows = SIZES.map((size, index) => {
      const measured = defined(results.get(keys[index])!);
      return [
        formatNumber(size),
        formatNumber(DUE),
        formatSummary(summarise(measured.map((timing) => timing.claimMs)), 1, ' ms'),
        formatSummary(summarise(measured.map((timing) => timing.medianClaimMs)), 1, ' ms'),
        formatSummary(summarise(measured.map((timing) => timing.tickMs)), 1, ' ms'),
        formatSummary(summarise(measured.map((timing) => timing.claimed))),
      ];
    });
    const [small, large] = keys;
    const claimRatio = summarise(ratios(series(large, (t) => t.medianClaimMs), series(small, (t) => t.medianClaimMs)));
    const tickRatio = summarise(ratios(series(large, (t) => t.tickMs), series(small, (t) => t.tickMs)));
    const reps = Math.max(context.options.reps, 5);
    const markdown = [
      `The same ${formatNumber(DUE)} due jobs among ${SIZES.map((size) => formatNumber(size)).join(' and ')} defined (the others due over the next day), claimed by the service's own RunStore (SKIP LOCKED select, next runs, one insert of the runs, in one transaction) from the harness, batch ${BATCH}, nothing executed. A tick is its database work: rescue expired leases, then claim until a claim finds nothing due (${DUE / BATCH} full claims and an empty one). Before each measurement the due jobs are reset and the tables vacuumed. Median (min–max) of ${reps} repetitions, the sizes interleaved.`,
      '',
      table(['jobs defined', 'due', 'first claim of 100', 'claim of 100 (median within the tick)', 'tick', 'runs claimed'], rows),
      '',
      `Ratio ${formatNumber(SIZES[1])} ÷ ${formatNumber(SIZES[0])}, within each repetition: claim ${formatRatio(claimRatio)}, tick ${formatRatio(tickRatio)}.`,
      '',
      `The claim's query plan with ${formatNumber(SIZES[1])} jobs defined (EXPLAIN ANALYZE, rolled back):`,
      '',
      '```',
      plans.get(SIZES[1])!,
      '```',
    ].join('\n');
    return { name: 'definitions', markdown, data: { results: Object.fromEntries(results), plans: Object.fromEntries(plans) } };
  } finally {
    for (const { close } of stores.values()) await close();
    for (const size of SIZES) await context.database.drop(databaseName(size));
  }
}
