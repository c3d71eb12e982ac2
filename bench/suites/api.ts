import autocannon from 'autocannon';
import type { BenchContext, SuiteReport } from '../lib/context';
import { EMPTY_TEMPLATE, withClient } from '../lib/database';
import { progress } from '../lib/log';
import { table } from '../lib/markdown';
import { BenchRedis } from '../lib/redis';
import { alternate, defined, ratios } from '../lib/repeat';
import { seedJobs } from '../lib/seed';
import { AUTHORIZATION, BenchProcess } from '../lib/service';
import { formatRatio, formatSummary, summarise } from '../lib/stats';
import { type Bar, barChart } from '../lib/svg';

const CONNECTIONS = 50;
const WARM_UP_SECONDS = 2;
const SECONDS = 10;
const SEEDED_JOBS = 10_000;
/** GET and PATCH pick a job among the first thousand: a working set, as a dashboard's would be. */
const HOT_JOBS = 1_000;
const DATABASE = 'bench_api';

interface Measurement {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

interface Endpoint {
  name: string;
  method: 'GET' | 'POST' | 'PATCH';
  path: () => string;
  body?: () => string;
}

let created = 0;
const randomJob = () => 1 + Math.floor(Math.random() * HOT_JOBS);

const ENDPOINTS: Endpoint[] = [
  { name: 'GET /jobs/:id', method: 'GET', path: () => `/jobs/${randomJob()}` },
  { name: 'GET /jobs?limit=20', method: 'GET', path: () => '/jobs?limit=20' },
  {
    name: 'POST /jobs',
    method: 'POST',
    path: () => '/jobs',
    // Active, with a next run computed in a named zone, but never due while the benchmark runs.
    body: () => JSON.stringify({ name: `api bench ${process.pid} ${(created += 1)}`, schedule: '0 3 1 1 *', timezone: 'Europe/Paris', type: 'log' }),
  },
  { name: 'PATCH /jobs/:id', method: 'PATCH', path: () => `/jobs/${randomJob()}`, body: () => JSON.stringify({ description: `patched ${(created += 1)}` }) },
];

async function load(url: string, endpoint: Endpoint, seconds: number): Promise<Measurement> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { ...AUTHORIZATION, 'content-type': 'application/json' },
    requests: [
      {
        method: endpoint.method,
        setupRequest: (request) => ({ ...request, path: endpoint.path(), ...(endpoint.body ? { body: endpoint.body() } : {}) }),
      },
    ],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

export async function apiSuite(context: BenchContext): Promise<SuiteReport> {
  const url = await context.database.clone(EMPTY_TEMPLATE, DATABASE);
  await withClient(url, async (client) => {
    await seedJobs(client, { first: 1, count: SEEDED_JOBS, nextRun: `'2100-01-01T00:00:00Z'::timestamptz` });
    await client.query('VACUUM ANALYZE jobs');
  });
  const redis = BenchRedis.available() ? await BenchRedis.start() : undefined;
  if (!redis) progress('redis-server is not installed: the cached variant is skipped');
  const environment = { DATABASE_URL: url, THROTTLE_LIMIT: '0' };
  const targets: { key: string; process: BenchProcess }[] = [];
  try {
    targets.push({ key: 'floor', process: context.processes.add(await BenchProcess.script('floor', 'peers/floor-server.ts', { DATABASE_URL: url })) });
    targets.push({ key: 'service', process: context.processes.add(await BenchProcess.service('api', environment)) });
    if (redis) {
      targets.push({ key: 'service + Redis', process: context.processes.add(await BenchProcess.service('api-redis', { ...environment, REDIS_URL: redis.url })) });
    }
    const idleRss = targets.filter((target) => target.key !== 'floor').map((target) => target.process.rss());
    const results = new Map<string, Map<string, (Measurement | undefined)[]>>();
    for (const endpoint of ENDPOINTS) {
      results.set(
        endpoint.name,
        await alternate(
          targets.map((target) => ({
            key: `${endpoint.name} on ${target.key}`,
            run: async () => {
              await load(target.process.url, endpoint, WARM_UP_SECONDS);
              const measured = await load(target.process.url, endpoint, SECONDS);
              progress(`  ${Math.round(measured.requestsPerSecond)} req/s, p50 ${measured.p50} ms, p99 ${measured.p99} ms, ${measured.failures} failures`);
              return measured;
            },
          })),
          context.options.reps,
        ),
      );
    }
    context.shared.set('rssAfterApi', targets.filter((target) => target.key !== 'floor').map((target) => target.process.rss()));
    context.shared.set('rssIdleApi', idleRss);
    return report(context, targets.map((target) => target.key), results);
  } finally {
    await Promise.all(targets.map((target) => target.process.stop()));
    redis?.stop();
    await context.database.drop(DATABASE);
  }
}

function report(context: BenchContext, targets: string[], results: Map<string, Map<string, (Measurement | undefined)[]>>): SuiteReport {
  const rows: string[][] = [];
  const bars: Bar[] = [];
  const data: Record<string, unknown> = {};
  for (const endpoint of ENDPOINTS) {
    const byTarget = results.get(endpoint.name)!;
    const floor = byTarget.get(`${endpoint.name} on floor`)!.map((measured) => measured?.requestsPerSecond);
    for (const target of targets) {
      const measured = byTarget.get(`${endpoint.name} on ${target}`)!;
      const present = defined(measured);
      const rps = summarise(present.map((m) => m.requestsPerSecond));
      data[`${endpoint.name} on ${target}`] = measured;
      rows.push([
        endpoint.name,
        target,
        formatSummary(rps),
        formatSummary(summarise(present.map((m) => m.p50)), 0, ' ms'),
        formatSummary(summarise(present.map((m) => m.p99)), 0, ' ms'),
        target === 'floor' ? '1' : formatRatio(summarise(ratios(measured.map((m) => m?.requestsPerSecond), floor))),
        String(present.reduce((sum, m) => sum + m.failures, 0)),
      ]);
      bars.push({ label: `${endpoint.name}, ${target}`, group: target, median: rps.median, min: rps.min, max: rps.max });
    }
  }
  const markdown = [
    `One instance of the service (NODE_ENV=production with a bearer token, LOG_LEVEL=warn, THROTTLE_LIMIT=0, default pools) and the floor server (bare \`node:http\` + \`pg\`, a pool of 10, the same queries, nothing else) on the same database of ${SEEDED_JOBS.toLocaleString('en-US')} jobs. autocannon, ${CONNECTIONS} connections, ${WARM_UP_SECONDS} s of warm-up then ${SECONDS} s measured, in the harness's process. GET and PATCH pick one of the first ${HOT_JOBS.toLocaleString('en-US')} jobs at random; POST creates active jobs with a yearly schedule in Europe/Paris. "service + Redis" is the same service with REDIS_URL (a redis-server of the harness's own): GETs are served from the cache, writes invalidate it. Median (min–max) of ${context.options.reps} repetitions, the three servers interleaved; the ratio to the floor is taken within each repetition.`,
    '',
    table(['request', 'server', 'req/s', 'p50', 'p99', 'ratio to floor', 'non-2xx or errors'], rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r']),
    '',
    '![API throughput](api-throughput.svg)',
  ].join('\n');
  return {
    name: 'api',
    markdown,
    data,
    charts: { 'api-throughput.svg': barChart(`API, ${CONNECTIONS} connections: requests per second (median, min–max)`, 'requests per second', bars) },
  };
}
