import { LOOPBACK_HTTP_JOBS } from './support/loopback-http-jobs';
import { ServiceProcess } from './support/service-process';
import { startSlowHttpServer, type SlowHttpServer } from './support/slow-http-server';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { withClient } from './support/test-server';
import { waitFor } from './support/wait-for';

describe('graceful shutdown', () => {
  let database: TestDatabase;
  let slowServer: SlowHttpServer;
  let service: ServiceProcess | undefined;

  beforeEach(async () => {
    database = await createTestDatabase();
    slowServer = await startSlowHttpServer();
  });
  afterEach(async () => {
    await service?.stop('SIGKILL');
    await slowServer.close();
    await database.drop();
  });

  async function startLongRun(graceMs: number, runMs: number): Promise<number> {
    service = await ServiceProcess.start(
      { ...LOOPBACK_HTTP_JOBS, DATABASE_URL: database.url, SCHEDULER_TICK: '* * * * * *', SHUTDOWN_GRACE_MS: String(graceMs), LOG_LEVEL: 'log' },
      'graceful',
    );
    const created = await fetch(`${service.url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'long', schedule: '0 0 1 1 *', isActive: false, type: 'http', params: { url: `${slowServer.url}/delay/${runMs}` } }),
    });
    const job = (await created.json()) as { id: number };
    expect((await fetch(`${service.url}/jobs/${job.id}/run`, { method: 'POST' })).status).toBe(202);
    await waitFor(async () => slowServer.hits.get(`/delay/${runMs}`) === 1, 10_000, 'the run to call the server');
    return job.id;
  }

  const runs = () =>
    withClient(database.url, async (client) =>
      (await client.query<{ attempt: number; status: string; error: string | null }>('SELECT attempt, status, error FROM job_runs ORDER BY attempt')).rows,
    );

  it('lets a run in flight finish within the grace period, then exits 0', async () => {
    await startLongRun(10_000, 1_500);
    const exitCode = await service!.stop('SIGTERM');
    expect(exitCode).toBe(0);
    expect(await runs()).toEqual([{ attempt: 1, status: 'succeeded', error: null }]);
    expect(service!.output.join('')).toMatch(/waiting up to 10000 ms for 1 runs in flight/);
  });

  it('hands back a run that outlasts the grace period, so another instance retries it, and exits 0', async () => {
    await startLongRun(300, 20_000);
    const stoppedAt = Date.now();
    const exitCode = await service!.stop('SIGTERM');
    expect(exitCode).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    const [interrupted, retry] = await runs();
    expect(interrupted).toMatchObject({ attempt: 1, status: 'abandoned', error: expect.stringMatching(/shut down before the run finished/) });
    expect(retry).toMatchObject({ attempt: 2, status: 'retry_pending' });
  });
});
