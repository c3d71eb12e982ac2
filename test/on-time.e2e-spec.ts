import { ServiceProcess } from './support/service-process';
import { TcpProxy } from './support/tcp-proxy';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { withClient } from './support/test-server';
import { waitFor } from './support/wait-for';

/*
 * Real processes at the defaults: the safety tick fires once a minute, so anything that starts within
 * seconds was started by the wake-up (its timer, or a notice). One scheduling instance and one
 * API-only instance, as README's topology offers. Bounds are generous (the machine is shared):
 * they prove the wake-up path; `npm run bench -- precision` measures its precision. The scheduling
 * instance listens through DATABASE_LISTEN_URL, a proxy of its own (as past PgBouncer).
 */
describe('on time at the defaults (minute safety tick)', () => {
  let database: TestDatabase;
  let scheduling: ServiceProcess;
  let apiOnly: ServiceProcess;
  let listenProxy: TcpProxy;

  const sql = <T extends object>(text: string, values: unknown[] = []) =>
    withClient(database.url, async (client) => (await client.query(text, values)).rows as T[]);

  const createJob = async (body: Record<string, unknown>) => {
    const response = await fetch(`${apiOnly.url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as { id: number };
  };

  const startedRuns = (jobId: number) =>
    sql<{ lag_ms: number; instance_id: string; started_at: Date }>(
      `SELECT (extract(epoch FROM started_at - scheduled_for) * 1000)::int AS lag_ms, instance_id, started_at
         FROM job_runs WHERE job_id = $1 AND started_at IS NOT NULL ORDER BY scheduled_for`,
      [jobId],
    );

  beforeAll(async () => {
    database = await createTestDatabase();
    const server = new URL(database.url);
    listenProxy = await TcpProxy.start(server.hostname, Number(server.port));
    const common = { DATABASE_URL: database.url, THROTTLE_LIMIT: '0' };
    [scheduling, apiOnly] = await Promise.all([
      ServiceProcess.start({ ...common, DATABASE_LISTEN_URL: listenProxy.wrap(database.url) }, 'on-time-scheduler'),
      ServiceProcess.start({ ...common, SCHEDULER_ENABLED: 'false' }, 'on-time-api'),
    ]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([scheduling, apiOnly].filter(Boolean).map((service) => service.stop('SIGKILL')));
    await listenProxy?.close();
    await database?.drop();
  }, 60_000);

  it('starts each occurrence of a six-field job within a few seconds of its time', async () => {
    const job = await createJob({ name: 'every two seconds', schedule: '*/2 * * * * *' });
    const runs = await waitFor(async () => {
      const started = await startedRuns(job.id);
      return started.length >= 4 && started;
    }, 30_000, 'four runs of the every-two-seconds job');
    for (const run of runs) expect(run.lag_ms).toBeLessThan(3_000);
    expect(new Set(runs.map((run) => run.instance_id))).toEqual(new Set(['on-time-scheduler']));
    await fetch(`${apiOnly.url}/jobs/${job.id}`, { method: 'DELETE' });
  });

  it('starts a run asked for through the API-only instance on the scheduling instance within a few seconds', async () => {
    const job = await createJob({ name: 'by hand', schedule: '0 0 1 1 *' });
    const asked = Date.now();
    const response = await fetch(`${apiOnly.url}/jobs/${job.id}/run`, { method: 'POST' });
    expect(response.status).toBe(202);
    const [run] = await waitFor(async () => {
      const started = await startedRuns(job.id);
      return started.length === 1 && started;
    }, 30_000, 'the manual run to start');
    expect(run.instance_id).toBe('on-time-scheduler');
    expect(run.started_at.getTime() - asked).toBeLessThan(5_000);
  });

  it('listens through DATABASE_LISTEN_URL again after its listening connection is killed, and runs a job created meanwhile on time', async () => {
    const listeners = () =>
      sql<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'scheduler-listener'");
    const [before] = await waitFor(async () => {
      const found = await listeners();
      return found.length === 1 && found;
    }, 10_000, 'the listening connection');
    const relayedBefore = listenProxy.relayed;
    expect(relayedBefore).toBeGreaterThanOrEqual(1);
    await sql('SELECT pg_terminate_backend($1)', [before.pid]);
    const job = await createJob({ name: 'created while the listener was down', schedule: '* * * * * *' });
    const [after] = await waitFor(async () => {
      const found = await listeners();
      return found.length === 1 && found[0].pid !== before.pid && found;
    }, 30_000, 'a new listening connection');
    expect(after.pid).not.toBe(before.pid);
    expect(listenProxy.relayed).toBeGreaterThan(relayedBefore);
    const runs = await waitFor(async () => {
      const started = await startedRuns(job.id);
      return started.length >= 3 && started;
    }, 30_000, 'three runs of the job created meanwhile');
    // The first may wait for the reconnection (half a second, more on a loaded machine); the next are on time.
    expect(runs[0].lag_ms).toBeLessThan(10_000);
    for (const run of runs.slice(1)) expect(run.lag_ms).toBeLessThan(3_000);
  });
});
