import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../src/scheduler/run-store';
import { SchedulerService } from '../src/scheduler/scheduler.service';
import { isRunning } from './support/processes';
import { SchedulerDriver } from './support/scheduler-driver';
import { ServiceProcess } from './support/service-process';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { withClient } from './support/test-server';
import { waitFor } from './support/wait-for';

/** A shell job whose command leaves a grandchild (`sleep`) in its process group and writes that one's pid. */
const sleeperParams = (pidFile: string) => ({ command: 'sh', args: ['-c', `sleep 600 & echo $! > ${pidFile}; wait`] });

const readPid = (pidFile: string) => waitFor(async () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8').trim()) || false, 30_000, 'the sleeper pid');

describe('cancelling runs', () => {
  let t: TestApp;
  let driver: SchedulerDriver;
  let folder: string;

  const sql = <Row extends object>(text: string, values: unknown[] = []) =>
    withClient(t.database.url, async (client) => (await client.query<Row>(text, values)).rows);

  const insertRun = async (jobId: number, status: string) =>
    Number(
      (
        await sql<{ id: string }>(
          "INSERT INTO job_runs (job_id, scheduled_for, status, run_at) VALUES ($1, now(), $2, now() + interval '1 hour') RETURNING id",
          [jobId, status],
        )
      )[0].id,
    );

  const cancelEntries = async (jobId: number) =>
    ((await t.http.get(`/jobs/${jobId}/changes`).expect(200)).body.data as { action: string }[]).filter((entry) => entry.action === 'cancel');

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'run-control-'));
    t = await startTestApp({
      SHELL_JOBS_ENABLED: 'true',
      SCHEDULER_ENABLED: 'true',
      SCHEDULER_TICK: '0 0 1 1 *',
      RUN_LEASE_MS: '3000',
      SHELL_JOB_KILL_GRACE_MS: '1500',
    });
    driver = new SchedulerDriver(t, t.app.get(SchedulerService));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('stops a running shell job with its whole process group; the run ends cancelled, audited, and is not retried', async () => {
    const pidFile = join(folder, 'in-process.pid');
    const job = await driver.createDueJob({ type: 'shell', params: sleeperParams(pidFile), maxAttempts: 3, retryBackoffMs: 100 });
    await driver.scheduler.tick();
    const pid = await readPid(pidFile);
    const [run] = await driver.runsOf(job.id);
    expect(run.status).toBe('running');

    const { body } = await t.http.post(`/runs/${run.id}/cancel`).expect(200);
    expect(body).toMatchObject({ id: run.id, status: 'cancelled', error: 'cancelled through the API' });
    await waitFor(async () => !isRunning(pid), 20_000, 'the sleeper to be killed');

    // Past a few lease renewals and a tick, nothing retried it nor overwrote the status.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await driver.scheduler.tick(new Date(Date.now() + 60_000));
    const runs = await driver.runsOf(job.id);
    expect(runs.map((each) => each.status)).toEqual(['cancelled']);
    expect(runs[0].durationMs).toBeGreaterThanOrEqual(0);
    expect((await t.http.get(`/jobs/${job.id}`).expect(200)).body.lastStatus).toBe('cancelled');
    expect(await cancelEntries(job.id)).toEqual([
      expect.objectContaining({ action: 'cancel', runId: run.id, changes: [{ field: 'status', before: 'running', after: 'cancelled' }] }),
    ]);
  }, 90_000);

  it('cancels a run waiting for its turn (run now, a retry) before it starts', async () => {
    const job = await driver.createJob({ params: { message: 'never' } });
    const runId = await insertRun(job.id, 'retry_pending');
    await t.http.post(`/runs/${runId}/cancel`).expect(200);
    await driver.scheduler.tick(new Date(Date.now() + 2 * 60 * 60_000));
    expect((await driver.runsOf(job.id)).map((run) => [run.id, run.status, run.startedAt])).toEqual([[runId, 'cancelled', null]]);
  });

  it('cancels a queued run (broker mode) before a worker starts it', async () => {
    const job = await driver.createJob({ params: { message: 'never' } });
    const runId = await insertRun(job.id, 'queued');
    await t.http.post(`/runs/${runId}/cancel`).expect(200);
    expect(await t.app.get(RunStore).startQueued(runId, 'a worker')).toEqual({ run: null, exists: true });
    expect((await driver.runsOf(job.id))[0]).toMatchObject({ status: 'cancelled', startedAt: null, instanceId: null });
  });

  it('refuses a run that has ended with 409 naming status, changing nothing', async () => {
    const job = await driver.createJob({});
    const runId = await insertRun(job.id, 'succeeded');
    const { body } = await t.http.post(`/runs/${runId}/cancel`).expect(409);
    expect(body.fields).toEqual([{ field: 'status', message: expect.stringContaining('already ended (succeeded)') }]);
    expect((await driver.runsOf(job.id))[0].status).toBe('succeeded');
    expect(await cancelEntries(job.id)).toEqual([]);
  });

  it('answers 404 for a run that does not exist', async () => {
    const { body } = await t.http.post('/runs/2147483000/cancel').expect(404);
    expect(body.message).toBe('run 2147483000 does not exist');
  });

  it('refuses a bad id or a body with 400 naming the field, changing nothing', async () => {
    expect((await t.http.post('/runs/abc/cancel').expect(400)).body.fields).toEqual([{ field: 'id', message: expect.any(String) }]);
    const job = await driver.createJob({});
    const runId = await insertRun(job.id, 'retry_pending');
    expect((await t.http.post(`/runs/${runId}/cancel`).send({ reason: 'x' }).expect(400)).body.fields).toEqual([
      { field: 'reason', message: expect.stringContaining('not a known field') },
    ]);
    expect((await driver.runsOf(job.id))[0].status).toBe('retry_pending');
  });
});

describe('cancelling a run through another instance', () => {
  let database: TestDatabase;
  let folder: string;
  let services: ServiceProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    folder = await mkdtemp(join(tmpdir(), 'run-control-'));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop('SIGKILL')));
    await database?.drop();
    await rm(folder, { recursive: true, force: true });
  });

  it('aborts the run on the instance holding it, asked through an API-only instance', async () => {
    const environment = { DATABASE_URL: database.url, MIGRATE_ON_START: 'true', SHELL_JOBS_ENABLED: 'true', RUN_LEASE_MS: '30000' };
    const executor = await ServiceProcess.start(environment, 'executor');
    const api = await ServiceProcess.start({ ...environment, SCHEDULER_ENABLED: 'false' }, 'api-only');
    services = [executor, api];
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${api.url}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body === undefined ? undefined : JSON.stringify(body) });

    const pidFile = join(folder, 'two-processes.pid');
    const created = await call('POST', '/jobs', { name: 'sleeper', schedule: '0 0 1 1 *', type: 'shell', params: sleeperParams(pidFile), maxAttempts: 3 });
    expect(created.status).toBe(201);
    const job = (await created.json()) as { id: number };
    expect((await call('POST', `/jobs/${job.id}/run`)).status).toBe(202);
    const pid = await readPid(pidFile);
    const [run] = ((await (await call('GET', `/jobs/${job.id}/runs`)).json()) as { data: { id: number; status: string; instanceId: string }[] }).data;
    expect(run).toMatchObject({ status: 'running', instanceId: 'executor' });

    const cancelled = await call('POST', `/runs/${run.id}/cancel`);
    expect(cancelled.status).toBe(200);
    // Well before the executor's next lease renewal (every 10 s): the notice reached it.
    await waitFor(async () => !isRunning(pid), 8_000, 'the executor to kill the sleeper');
    const runs = ((await (await call('GET', `/jobs/${job.id}/runs`)).json()) as { data: { status: string }[] }).data;
    expect(runs.map((each) => each.status)).toEqual(['cancelled']);
    expect(executor.output.join('')).not.toMatch(/crashed|could not record/);
  }, 240_000);
});
