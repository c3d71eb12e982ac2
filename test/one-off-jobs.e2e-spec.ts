import { findFreePort } from '../src/database/embedded-database';
import { SchedulerService } from '../src/scheduler/scheduler.service';
import { makeJob } from './support/factories';
import { LOOPBACK_HTTP_JOBS } from './support/loopback-http-jobs';
import { SchedulerDriver } from './support/scheduler-driver';
import { startTestApp, type TestApp } from './support/test-app';
import { withClient } from './support/test-server';

const MINUTE = 60_000;
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

describe('one-off jobs (runAt)', () => {
  let t: TestApp;
  let driver: SchedulerDriver;

  const countJobs = async () => (await t.http.get('/jobs?limit=1').expect(200)).body.total as number;

  beforeAll(async () => {
    t = await startTestApp({ ...LOOPBACK_HTTP_JOBS, SCHEDULER_ENABLED: 'true', SCHEDULER_TICK: '0 0 1 1 *', MISFIRE_THRESHOLD_MS: '60000' });
    driver = new SchedulerDriver(t, t.app.get(SchedulerService));
  }, 120_000);
  afterAll(() => t?.close());

  it('is created with runAt instead of a schedule, due then, and previewed as that one instant', async () => {
    const runAt = inMs(60 * MINUTE);
    const { body } = await t.http.post('/jobs').send({ name: 'release notes', runAt }).expect(201);
    expect(body).toMatchObject({ schedule: null, runAt, nextRun: runAt, isActive: true });
    expect((await t.http.get(`/jobs/${body.id}/next-runs?count=5`).expect(200)).body).toEqual([runAt]);
  });

  it('runs once, then is inactive with its history kept', async () => {
    const { body: job } = await t.http.post('/jobs').send(makeJob({ schedule: undefined, runAt: inMs(-10_000) })).expect(201);
    await driver.tickAndWaitForRuns(job.id, 1);
    await driver.scheduler.tick(new Date(Date.now() + 24 * 60 * MINUTE));
    expect((await driver.runsOf(job.id)).map((run) => run.status)).toEqual(['succeeded']);
    expect((await t.http.get(`/jobs/${job.id}`).expect(200)).body).toMatchObject({ isActive: false, nextRun: null, lastStatus: 'succeeded' });
    expect((await t.http.get(`/jobs/${job.id}/next-runs`).expect(200)).body).toEqual([]);
  });

  it('gets its retries after the one occurrence', async () => {
    const closed = await findFreePort();
    const { body: job } = await t.http
      .post('/jobs')
      .send(makeJob({ schedule: undefined, runAt: inMs(-1_000), type: 'http', params: { url: `http://127.0.0.1:${closed}/` }, maxAttempts: 2, retryBackoffMs: 0 }))
      .expect(201);
    const runs = await driver.tickAndWaitForRuns(job.id, 2, true);
    expect(runs.map((run) => [run.attempt, run.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
    expect((await t.http.get(`/jobs/${job.id}`).expect(200)).body.isActive).toBe(false);
  });

  it('is refused in the past beyond the misfire threshold with 400 naming runAt, creating nothing', async () => {
    const before = await countJobs();
    const { body } = await t.http.post('/jobs').send(makeJob({ schedule: undefined, runAt: inMs(-2 * MINUTE) })).expect(400);
    expect(body.fields).toEqual([{ field: 'runAt', message: expect.stringContaining('more than the misfire threshold (MISFIRE_THRESHOLD_MS=60000)') }]);
    expect(await countJobs()).toBe(before);
  });

  it.each([
    ['not a date', { schedule: undefined, runAt: 'tomorrow' }, 'runAt'],
    ['a time without an offset', { schedule: undefined, runAt: '2030-12-24T18:00:00' }, 'runAt'],
    ['a 13th month', { schedule: undefined, runAt: '2030-13-24T18:00:00Z' }, 'runAt'],
    ['a number', { schedule: undefined, runAt: 1893456000000 }, 'runAt'],
    ['both runAt and a schedule', { schedule: '0 9 * * *', runAt: '2030-12-24T18:00:00Z' }, 'runAt'],
    ['neither', { schedule: undefined }, 'schedule'],
  ])('refuses %s with 400 naming %s, creating nothing', async (_what, fields, field) => {
    const before = await countJobs();
    const { body } = await t.http.post('/jobs').send(makeJob(fields)).expect(400);
    expect(body.fields.map((problem: { field: string }) => problem.field)).toEqual([field]);
    expect(await countJobs()).toBe(before);
  });

  it('is resumed by tag with its runAt passed: the request succeeds, the misfire policy decides, a finished one stays done', async () => {
    const oneOff = (overrides: Record<string, unknown>) =>
      driver.createJob({ schedule: undefined, runAt: inMs(10 * MINUTE), isActive: false, tags: ['launch'], ...overrides });
    const [catchUp, skip] = [await oneOff({ misfirePolicy: 'run_once' }), await oneOff({ misfirePolicy: 'skip' })];
    await withClient(t.database.url, (client) =>
      client.query("UPDATE jobs SET run_at = now() - interval '5 minutes' WHERE id = ANY($1::int[])", [[catchUp.id, skip.id]]),
    );
    const finished = await oneOff({ runAt: inMs(-10_000), isActive: true });
    await driver.tickAndWaitForRuns(finished.id, 1);

    const { body } = await t.http.post('/jobs/resume?tag=launch').expect(200);
    expect(body).toEqual({ changed: 2, jobIds: [catchUp.id, skip.id] });
    await driver.tickAndWaitForRuns(catchUp.id, 1);
    await driver.scheduler.tick();
    expect(await driver.runsOf(skip.id)).toEqual([]);
    expect(await driver.runsOf(finished.id)).toHaveLength(1);
    for (const job of [catchUp, skip, finished]) {
      expect((await t.http.get(`/jobs/${job.id}`).expect(200)).body).toMatchObject({ isActive: false, nextRun: null });
    }
  });

  it('becomes scheduled with a schedule, and one-off with a runAt (PATCH)', async () => {
    const runAt = inMs(30 * MINUTE);
    const { body: job } = await t.http.post('/jobs').send(makeJob({ schedule: undefined, runAt })).expect(201);
    const scheduled = (await t.http.patch(`/jobs/${job.id}`).send({ schedule: '0 9 * * *' }).expect(200)).body;
    expect(scheduled).toMatchObject({ schedule: '0 9 * * *', runAt: null });
    const oneOff = (await t.http.patch(`/jobs/${job.id}`).send({ runAt }).expect(200)).body;
    expect(oneOff).toMatchObject({ schedule: null, runAt, nextRun: runAt });
    expect((await t.http.patch(`/jobs/${job.id}`).send({ runAt: inMs(-5 * MINUTE) }).expect(400)).body.fields[0].field).toBe('runAt');
    expect((await t.http.get(`/jobs/${job.id}`).expect(200)).body.runAt).toBe(runAt);
  });

  it('is left out of jobs as code: not exported, not pruned, refused in a document with 400 naming runAt', async () => {
    const { body: job } = await t.http.post('/jobs').send(makeJob({ schedule: undefined, runAt: inMs(60 * MINUTE) })).expect(201);
    const exported = (await t.http.get('/jobs/export').expect(200)).body as { jobs: { name: string }[] };
    expect(exported.jobs.map((each) => each.name)).not.toContain(job.name);
    const plan = (await t.http.post('/jobs/apply?dryRun=true&prune=true').send(exported).expect(200)).body;
    expect(plan.deleted).not.toContain(job.name);
    const refused = await t.http.post('/jobs/apply').send({ version: 1, jobs: [{ name: 'later', runAt: inMs(MINUTE) }] }).expect(400);
    expect(refused.body.fields).toEqual([{ field: 'jobs[0].runAt', message: expect.stringContaining('one-off jobs are not part of a jobs document') }]);
  });
});
