import { SchedulerService } from '../src/scheduler/scheduler.service';
import { SchedulerDriver } from './support/scheduler-driver';
import { startTestApp, type TestApp } from './support/test-app';
import { withClient } from './support/test-server';

describe('pausing the whole scheduler', () => {
  let t: TestApp;
  let driver: SchedulerDriver;

  const sql = (text: string, values: unknown[] = []) => withClient(t.database.url, (client) => client.query(text, values));
  const schedulerEntries = async () =>
    ((await t.http.get('/audit?limit=100').expect(200)).body.data as { jobId: number | null; action: string; changes: unknown }[]).filter(
      (entry) => entry.jobId === null,
    );

  beforeAll(async () => {
    t = await startTestApp({ SCHEDULER_ENABLED: 'true', SCHEDULER_TICK: '0 0 1 1 *' });
    driver = new SchedulerDriver(t, t.app.get(SchedulerService));
  }, 120_000);
  afterAll(() => t?.close());
  afterEach(() => t.http.post('/scheduler/resume').expect(200));

  it('starts nothing while paused (scheduled runs, runs now), shows it in /health, and audits the switch', async () => {
    expect((await t.http.get('/scheduler').expect(200)).body).toEqual({ paused: false, changedAt: null, changedBy: null });
    const paused = await t.http.post('/scheduler/pause').expect(200);
    expect(paused.body).toEqual({ paused: true, changedAt: expect.any(String), changedBy: 'anonymous' });

    const job = await driver.createDueJob({ params: { message: 'held' } });
    const other = await driver.createJob({ params: { message: 'run now' } });
    await t.http.post(`/jobs/${other.id}/run`).expect(202);
    await driver.scheduler.tick();
    expect(await driver.runsOf(job.id)).toEqual([]);
    expect((await driver.runsOf(other.id)).map((run) => run.status)).toEqual(['retry_pending']);

    const health = await t.http.get('/health').expect(200);
    expect(health.body.details.maintenance).toMatchObject({ status: 'up', state: 'paused', since: paused.body.changedAt, by: 'anonymous' });

    await t.http.post('/scheduler/resume').expect(200);
    await driver.waitForRuns(job.id, 1, true);
    await driver.waitForRuns(other.id, 1, true);
    expect((await t.http.get('/health').expect(200)).body.details.maintenance).toMatchObject({ status: 'up', state: 'running' });
    expect((await schedulerEntries()).slice(0, 2)).toEqual([
      expect.objectContaining({ action: 'resume', jobName: null, changes: [{ field: 'scheduler.paused', before: true, after: false }] }),
      expect.objectContaining({ action: 'pause', jobName: null, changes: [{ field: 'scheduler.paused', before: false, after: true }] }),
    ]);
  });

  it('on resume, occurrences missed while paused follow the misfire policy', async () => {
    await t.http.post('/scheduler/pause').expect(200);
    const catchUp = await driver.createJob({ schedule: '*/10 * * * *', misfirePolicy: 'run_once' });
    const skip = await driver.createJob({ schedule: '*/10 * * * *', misfirePolicy: 'skip' });
    await sql("UPDATE jobs SET next_run = now() - interval '25 minutes' WHERE id = ANY($1)", [[catchUp.id, skip.id]]);
    await driver.scheduler.tick();
    await t.http.post('/scheduler/resume').expect(200);
    await driver.tickAndWaitForRuns(catchUp.id, 1);
    await driver.scheduler.tick();
    expect(await driver.runsOf(skip.id)).toEqual([]);
    const nextRuns = await Promise.all([catchUp, skip].map(async (job) => (await t.http.get(`/jobs/${job.id}`).expect(200)).body.nextRun));
    nextRuns.forEach((nextRun) => expect(new Date(nextRun).getTime()).toBeGreaterThan(Date.now()));
  });

  it('pausing a paused scheduler changes nothing and writes no second entry', async () => {
    const first = (await t.http.post('/scheduler/pause').expect(200)).body;
    const entries = (await schedulerEntries()).length;
    expect((await t.http.post('/scheduler/pause').expect(200)).body).toEqual(first);
    expect((await schedulerEntries()).length).toBe(entries);
  });

  it('refuses a body with 400 naming the field, changing nothing', async () => {
    const { body } = await t.http.post('/scheduler/pause').send({ force: true }).expect(400);
    expect(body.fields).toEqual([{ field: 'force', message: expect.stringContaining('not a known field') }]);
    expect((await t.http.get('/scheduler').expect(200)).body.paused).toBe(false);
    expect((await t.http.post('/scheduler/resume').send({ now: 1 }).expect(400)).body.fields[0].field).toBe('now');
  });
});
