import { dirname } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { missingTopologyPrograms, PatroniTopology } from '../faults/patroni-topology';
import type { BenchContext, SuiteReport } from '../lib/context';
import { withClient } from '../lib/database';
import { progress, sleep } from '../lib/log';
import { table } from '../lib/markdown';
import { alternate, defined } from '../lib/repeat';
import { seedJobs } from '../lib/seed';
import { AUTHORIZATION, BenchProcess, SERVICE_MAIN } from '../lib/service';
import { formatSummary, summarise } from '../lib/stats';

const DATABASE = 'bench_pooling';
const SEEDED_JOBS = 1_000;
const SECONDS = 10;
const CONNECTIONS = 50;
/** The fleet: more instances, each with a larger pool, than the topology's max_connections (300) holds directly. */
const FLEET = { instances: 20, apiPool: 20, schedulerPool: 4, connectionsPerInstance: 20 };

interface Load {
  requestsPerSecond: number;
  p99: number;
  failures: number;
}

async function load(urls: string[], connectionsEach: number, seconds: number): Promise<Load> {
  const results = await Promise.all(
    urls.map((url) =>
      autocannon({ url: `${url}/jobs/${1 + Math.floor(Math.random() * SEEDED_JOBS)}`, connections: connectionsEach, duration: seconds, headers: AUTHORIZATION }),
    ),
  );
  return {
    requestsPerSecond: results.reduce((sum, result) => sum + result.requests.average, 0),
    p99: Math.max(...results.map((result) => result.latency.p99)),
    failures: results.reduce((sum, result) => sum + result.non2xx + result.errors + result.timeouts, 0),
  };
}

/**
 * Server connections of the database while `during` runs, sampled every 200 ms: the peak. `sampler`
 * connected beforehand: once the fleet holds every connection slot, a new one is refused.
 */
async function peakConnections(sampler: Client, during: Promise<unknown>): Promise<number> {
  let peak = 0;
  let done = false;
  void during.finally(() => (done = true));
  while (!done) {
    const { rows } = await sampler.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'client backend'");
    peak = Math.max(peak, Number(rows[0].n));
    await sleep(200);
  }
  return peak;
}

async function startInstances(context: BenchContext, label: string, count: number, environment: Record<string, string>): Promise<BenchProcess[]> {
  const started: BenchProcess[] = [];
  for (let index = 0; index < count; index += 1) {
    started.push(context.processes.add(await BenchProcess.service(`${label}-${index + 1}`, environment)));
  }
  return started;
}

/**
 * PgBouncer in transaction mode against a direct connection (through HAProxy, to the Patroni
 * leader): one instance's API, then a fleet of instances whose pools together exceed max_connections.
 */
export async function poolingSuite(context: BenchContext): Promise<SuiteReport> {
  const missing = missingTopologyPrograms();
  if (missing) return { name: 'pooling', markdown: `Skipped: ${missing} not installed (.ci/run installs them).`, data: null };
  const topology = await PatroniTopology.start(dirname(SERVICE_MAIN), 'pgbouncer');
  try {
    const pooled = await topology.createDatabase(DATABASE);
    const direct = topology.databaseUrl(DATABASE, 'haproxy');
    await withClient(direct, (client) => seedJobs(client, { first: 1, count: SEEDED_JOBS, nextRun: `'2100-01-01T00:00:00Z'::timestamptz` }));
    const base = { THROTTLE_LIMIT: '0', SCHEDULER_TICK: '0 0 1 1 *' };
    const urls = { direct, 'PgBouncer (transaction)': pooled };

    const single = new Map<string, BenchProcess>();
    for (const [key, url] of Object.entries(urls)) single.set(key, (await startInstances(context, `pooling-${key.split(' ')[0]}`, 1, { ...base, DATABASE_URL: url }))[0]);
    const api = await alternate(
      [...single].map(([key, instance]) => ({
        key,
        run: async () => {
          await load([instance.url], CONNECTIONS, 2);
          const measured = await load([instance.url], CONNECTIONS, SECONDS);
          progress(`  one instance, ${key}: ${Math.round(measured.requestsPerSecond)} req/s, p99 ${measured.p99} ms, ${measured.failures} failures`);
          return measured;
        },
      })),
      context.options.reps,
    );
    await Promise.all([...single.values()].map((instance) => instance.stop()));

    const fleet = new Map<string, Load & { peak: number }>();
    const sampler = new Client({ connectionString: direct });
    await sampler.connect();
    for (const [key, url] of Object.entries(urls)) {
      const instances = await startInstances(context, `fleet-${key.split(' ')[0]}`, FLEET.instances, {
        ...base,
        DATABASE_URL: url,
        DATABASE_POOL_SIZE: String(FLEET.apiPool),
        SCHEDULER_POOL_SIZE: String(FLEET.schedulerPool),
      });
      const loading = load(instances.map((instance) => instance.url), FLEET.connectionsPerInstance, SECONDS);
      const peak = await peakConnections(sampler, loading);
      const measured = await loading;
      progress(`  ${FLEET.instances} instances, ${key}: ${Math.round(measured.requestsPerSecond)} req/s, ${measured.failures} failures, peak ${peak} server connections`);
      fleet.set(key, { ...measured, peak });
      await Promise.all(instances.map((instance) => instance.stop()));
    }
    await sampler.end();
    return report(api, fleet);
  } finally {
    await topology.close();
  }
}

function report(api: Map<string, (Load | undefined)[]>, fleet: Map<string, Load & { peak: number }>): SuiteReport {
  const apiRows = [...api].map(([key, measured]) => {
    const present = defined(measured);
    return [key, formatSummary(summarise(present.map((m) => m.requestsPerSecond))), formatSummary(summarise(present.map((m) => m.p99)), 0, ' ms'), String(present.reduce((sum, m) => sum + m.failures, 0))];
  });
  const fleetRows = [...fleet].map(([key, measured]) => [key, String(Math.round(measured.requestsPerSecond)), `${measured.p99} ms`, String(measured.failures), String(measured.peak)]);
  const markdown = [
    `A Patroni leader (the machine's PostgreSQL 15, not the embedded server above; max_connections 300) reached directly through HAProxy or through PgBouncer in transaction mode (default_pool_size 40). GET /jobs/:id on ${SEEDED_JOBS} jobs, ${SECONDS} s per measurement.`,
    '',
    `One instance, ${CONNECTIONS} connections (DATABASE_POOL_SIZE 10):`,
    '',
    table(['database path', 'req/s', 'p99', 'failures'], apiRows, ['l', 'r', 'r', 'r']),
    '',
    `${FLEET.instances} instances, each DATABASE_POOL_SIZE ${FLEET.apiPool} and SCHEDULER_POOL_SIZE ${FLEET.schedulerPool} (${FLEET.instances * (FLEET.apiPool + FLEET.schedulerPool + 1)} connections at most, with the listener), ${FLEET.connectionsPerInstance} HTTP connections each:`,
    '',
    table(['database path', 'req/s', 'p99', 'failures', 'peak server connections'], fleetRows, ['l', 'r', 'r', 'r', 'r']),
  ].join('\n');
  return { name: 'pooling', markdown, data: { api: Object.fromEntries(api), fleet: Object.fromEntries(fleet) } };
}
