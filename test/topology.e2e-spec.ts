import { alertExpressions, dashboardExpressions, metricNamesIn, readDashboard } from './support/deploy-files';
import { missingTopologyTools, NativeTopology, TOPOLOGY_TOOLS } from './support/native-topology';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { withClient } from './support/test-server';
import { waitFor } from './support/wait-for';

/**
 * docker-compose.yml's topology, natively: in broker mode on this machine's RabbitMQ (a queue of the
 * test's own), two instances of the built service that schedule and execute behind Nginx running
 * deploy/nginx/nginx.conf and one worker-only instance, all scraped by Prometheus running
 * deploy/prometheus/prometheus.yml (both adapted to loopback), on one PostgreSQL database.
 */

const missing = missingTopologyTools();
if (missing) console.warn(`skipped the native topology test: ${missing}`);
const describeTopology = missing ? describe.skip : describe;

const JOBS = 20;
const MIN_OCCURRENCES_PER_JOB = 4;

interface Target {
  labels: { job: string; instance: string; role?: string };
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

describeTopology(`native topology: RabbitMQ, Nginx, two instances, a worker, Prometheus${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let database: TestDatabase;
  let topology: NativeTopology;

  beforeAll(async () => {
    database = await createTestDatabase();
    topology = await NativeTopology.start({ databaseUrl: database.url, instances: 2, workers: 1 });
  }, 60_000);

  afterAll(async () => {
    await topology?.stop();
    await database?.drop();
  }, 30_000);

  const activeTargets = async (): Promise<Target[]> => {
    const body = (await (await fetch(`${topology.prometheusUrl}/api/v1/targets?state=active`)).json()) as { data: { activeTargets: Target[] } };
    return body.data.activeTargets;
  };

  it('Nginx spreads requests over both instances and logs which one answered, and how fast', async () => {
    for (let index = 0; index < 20; index += 1) {
      const response = await topology.request('/jobs?limit=1', { headers: { 'x-request-id': `spread-${index}` } });
      expect(response.status).toBe(200);
    }
    // Nginx writes a request's line after it has sent the response: the last one may come a moment later.
    const spread = () => topology.accessLog().filter((line) => String(line.request_id).startsWith('spread-'));
    const lines = await waitFor(async () => spread().length >= 20 && spread(), 2_000, '20 lines in the access log').catch(() => spread());
    expect(lines).toHaveLength(20);
    const perInstance = new Map<string, number>();
    for (const line of lines) {
      expect(line).toMatchObject({ method: 'GET', uri: '/jobs?limit=1', status: 200, upstream_status: '200' });
      expect(line.upstream_response_time).toMatch(/^\d+\.\d{3}$/);
      expect(typeof line.request_time).toBe('number');
      perInstance.set(String(line.upstream_addr), (perInstance.get(String(line.upstream_addr)) ?? 0) + 1);
    }
    expect([...perInstance.keys()].sort()).toEqual(topology.instances.map((instance) => instance.address).sort());
    for (const count of perInstance.values()) expect(count).toBeGreaterThanOrEqual(5);
  });

  it('Nginx hides /metrics, which Prometheus scrapes per replica, and passes the health check and the 401 of the API through', async () => {
    expect((await fetch(`${topology.nginxUrl}/metrics`)).status).toBe(404);
    expect((await fetch(`${topology.nginxUrl}/jobs`)).status).toBe(401);
    expect((await fetch(`${topology.nginxUrl}/health`)).status).toBe(200);
  });

  it('Prometheus scrapes both instances and the worker with the metrics token' + (TOPOLOGY_TOOLS.nginxExporter ? ', and Nginx through its exporter' : ''), async () => {
    const expected = topology.allInstances.map((instance) => instance.address).sort();
    const targets = await waitFor(
      async () => {
        const all = await activeTargets();
        const up = (job: string) => all.filter((target) => target.labels.job === job && target.health === 'up');
        const schedulers = up('scheduler');
        const nginxReady = !topology.nginxExporter || up('nginx').length === 1;
        return schedulers.length === expected.length && nginxReady ? all : undefined;
      },
      15_000,
      'Prometheus to report every target up',
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(await activeTargets(), null, 1)}`);
    });
    const schedulers = targets.filter((target) => target.labels.job === 'scheduler');
    expect(schedulers.map((target) => target.labels.instance).sort()).toEqual(expected);
    const roles = Object.fromEntries(schedulers.map((target) => [target.labels.instance, target.labels.role]));
    expect(roles).toEqual({
      ...Object.fromEntries(topology.instances.map((instance) => [instance.address, 'scheduler'])),
      ...Object.fromEntries(topology.workers.map((instance) => [instance.address, 'worker'])),
    });
  });

  it(`runs each occurrence of ${JOBS} every-second jobs created through Nginx exactly once, the worker taking its share`, async () => {
    const ids: number[] = [];
    for (let index = 0; index < JOBS; index += 1) {
      const response = await topology.request('/jobs', {
        method: 'POST',
        body: JSON.stringify({ name: `topology ${index}`, schedule: '* * * * * *', params: { level: 'debug' } }),
      });
      expect(response.status).toBe(201);
      ids.push(((await response.json()) as { id: number }).id);
    }
    const count = (sql: string) =>
      withClient(database.url, async (client) => Number((await client.query<{ n: string }>(sql, [ids])).rows[0].n));
    // The fewest succeeded runs of any of the jobs (a job without runs counts 0).
    const fewestSucceeded = `SELECT coalesce(min(n), 0) AS n FROM (
        SELECT count(r.id) FILTER (WHERE r.status = 'succeeded') AS n
          FROM unnest($1::int[]) AS j(id) LEFT JOIN job_runs r ON r.job_id = j.id GROUP BY j.id) per_job`;
    await waitFor(async () => (await count(fewestSucceeded)) >= MIN_OCCURRENCES_PER_JOB, 20_000, `${MIN_OCCURRENCES_PER_JOB} succeeded runs of every job`);
    for (const id of ids) {
      expect((await topology.request(`/jobs/${id}`, { method: 'PATCH', body: JSON.stringify({ isActive: false }) })).status).toBe(200);
    }
    // Runs claimed before the jobs were deactivated finish first.
    await waitFor(
      async () => (await count(`SELECT count(*) AS n FROM job_runs WHERE job_id = ANY($1) AND status NOT IN ('succeeded', 'failed', 'timed_out', 'skipped', 'abandoned')`)) === 0,
      10_000,
      'the last runs to finish',
    );

    const rows = await withClient(database.url, async (client) =>
      (
        await client.query<{ job_id: number; occurrences: number; runs: number; succeeded: number; first: Date; last: Date }>(
          `SELECT job_id,
                  count(DISTINCT scheduled_for)::int AS occurrences,
                  count(*)::int AS runs,
                  count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
                  min(scheduled_for) AS first, max(scheduled_for) AS last
             FROM job_runs WHERE job_id = ANY($1) GROUP BY job_id ORDER BY job_id`,
          [ids],
        )
      ).rows,
    );
    expect(rows).toHaveLength(JOBS);
    for (const row of rows) {
      const everySecond = (row.last.getTime() - row.first.getTime()) / 1000 + 1;
      // One run per occurrence, every one of them succeeded, and no second between the first and the last skipped.
      expect({ job: row.job_id, runs: row.runs, succeeded: row.succeeded, occurrences: row.occurrences }).toEqual({
        job: row.job_id,
        runs: row.occurrences,
        succeeded: row.occurrences,
        occurrences: everySecond,
      });
      expect(row.occurrences).toBeGreaterThanOrEqual(MIN_OCCURRENCES_PER_JOB);
    }
    // Runs reach the instances through RabbitMQ: the worker-only instance, which never claims, runs some.
    const executedBy = await withClient(database.url, async (client) =>
      Object.fromEntries(
        (
          await client.query<{ instance_id: string; runs: number }>(
            `SELECT instance_id, count(*)::int AS runs FROM job_runs WHERE job_id = ANY($1) AND status = 'succeeded' GROUP BY instance_id`,
            [ids],
          )
        ).rows.map((row) => [row.instance_id, row.runs]),
      ),
    );
    console.log(`${rows.reduce((sum, row) => sum + row.runs, 0)} runs of ${JOBS} jobs, executed by ${JSON.stringify(executedBy)}`);
    const allIds = topology.allInstances.map((instance) => instance.id);
    expect(Object.keys(executedBy).filter((id) => !allIds.includes(id))).toEqual([]);
    for (const worker of topology.workers) expect(executedBy[worker.id] ?? 0).toBeGreaterThan(0);
  }, 45_000);

  it('Prometheus holds every metric the Grafana dashboard and the alert rules use', async () => {
    const expressions = [...dashboardExpressions(readDashboard()), ...alertExpressions()];
    const wanted = new Set(
      expressions.flatMap(({ expr }) => metricNamesIn(expr)).filter((name) => topology.nginxExporter || !name.startsWith('nginx_')),
    );
    const names = async () => {
      const body = (await (await fetch(`${topology.prometheusUrl}/api/v1/label/__name__/values`)).json()) as { data: string[] };
      return new Set(body.data);
    };
    // The runs of the previous test end up in the next scrape.
    const scraped = await waitFor(
      async () => {
        const present = await names();
        return [...wanted].every((name) => present.has(name)) ? present : undefined;
      },
      10_000,
      'every metric of the dashboard in Prometheus',
    ).catch(async () => names());
    expect([...wanted].filter((name) => !scraped.has(name))).toEqual([]);
  });
});
