import { makeJob } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { withClient } from './support/test-server';

/** How POST /jobs, PATCH /jobs/:id and GET /jobs/:id/next-runs read schedules (README, "Cron expressions"). */
describe('job schedules', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const create = (overrides: Record<string, unknown>) => t.http.post('/jobs').send(makeJob(overrides));
  const nextRuns = async (id: number, count = 3) => (await t.http.get(`/jobs/${id}/next-runs`).query({ count: String(count) }).expect(200)).body as string[];
  const jobCount = async () => (await t.http.get('/jobs').expect(200)).body.total as number;

  it.each(['0 0 * * 0,7', '0 0 * * 6-7,0', '0-10,5 * * * *', '*/20,0 * * * *', '0 0 1,1 * *', '0 0 * JAN,1 *', '@daily', '@hourly', '0 12 L * *'])(
    'creates a job on classic cron or a documented extension: %p',
    async (schedule) => {
      const { body } = await create({ schedule }).expect(201);
      expect(body.schedule).toBe(schedule);
      expect(body.nextRun).toBe((await nextRuns(body.id, 1))[0]);
    },
  );

  describe('H', () => {
    it('gives a new job a nextRun derived from its id, the first of its next-runs on every call', async () => {
      const { body: job } = await create({ schedule: 'H H * * *' }).expect(201);
      const runs = await nextRuns(job.id);
      expect(job.nextRun).toBe(runs[0]);
      expect((await t.http.get(`/jobs/${job.id}`).expect(200)).body.nextRun).toBe(runs[0]);
      for (let call = 0; call < 3; call += 1) expect(await nextRuns(job.id)).toEqual(runs);
      // The job's id is the seed: the preview with seed=<id> shows the same instants.
      const from = new Date(new Date(runs[0]).getTime() - 1).toISOString();
      const { body: preview } = await t.http.get('/schedules/preview').query({ schedule: 'H H * * *', seed: String(job.id), from, count: '3' }).expect(200);
      expect(preview).toEqual(runs);
    });

    it('differs from job to job', async () => {
      const jobs = await Promise.all([1, 2, 3, 4, 5, 6].map(() => create({ schedule: 'H * * * *' }).expect(201)));
      expect(new Set(jobs.map(({ body }) => new Date(body.nextRun).getUTCMinutes())).size).toBeGreaterThan(1);
    });

    it('seeds a schedule changed to H with the job id', async () => {
      const { body: created } = await create({ schedule: '0 9 * * *' }).expect(201);
      const { body: changed } = await t.http.patch(`/jobs/${created.id}`).send({ schedule: 'H H(8-10) * * 1-5' }).expect(200);
      expect(changed.nextRun).toBe((await nextRuns(created.id, 1))[0]);
      expect([8, 9, 10]).toContain(new Date(changed.nextRun).getUTCHours());
    });
  });

  describe('refuses, naming schedule, and changes nothing', () => {
    it.each([
      ['@reboot', '@reboot is not supported: a job runs on its schedule, not when an instance starts'],
      ['0 0 30 2 *', 'day of month 30 never occurs in February'],
      ['0 0 15W * *', 'day of month: W (nearest weekday) is not supported'],
      ['0 0 1 H *', 'month: H is not supported in the month field'],
      ['0 0 * * 5#6', 'day of week: the n of 5#6 must be 1-5 (got 6)'],
    ])('POST with %p', async (schedule, problem) => {
      const before = await jobCount();
      const { body } = await create({ schedule }).expect(400);
      expect(body.fields).toEqual([{ field: 'schedule', message: `'${schedule}' is not a valid cron expression: ${problem}` }]);
      expect(await jobCount()).toBe(before);
    });

    it.each(['@reboot', '0 0 31 2,4 *', '0 0 LW * *'])('PATCH with %p', async (schedule) => {
      const { body: job } = await create({ schedule: '0 9 * * *' }).expect(201);
      const { body } = await t.http.patch(`/jobs/${job.id}`).send({ schedule }).expect(400);
      expect(body.fields).toEqual([expect.objectContaining({ field: 'schedule' })]);
      expect((await t.http.get(`/jobs/${job.id}`).expect(200)).body).toMatchObject({ schedule: '0 9 * * *', nextRun: job.nextRun });
    });
  });

  describe('a stored schedule the engine no longer reads', () => {
    // Written before this engine by a version that accepted it; set here in SQL, as the API refuses it.
    const storeSchedule = (id: number, schedule: string) =>
      withClient(t.database.url, (client) => client.query('UPDATE jobs SET schedule = $2, is_active = false, next_run = NULL WHERE id = $1', [id, schedule]));

    it('answers next-runs with 409 saying why, and refuses to resume the job until the schedule changes', async () => {
      const { body: job } = await create({ schedule: '0 9 * * *' }).expect(201);
      await storeSchedule(job.id, '0 9 15W * *');
      const conflict = await t.http.get(`/jobs/${job.id}/next-runs`).expect(409);
      expect(conflict.body.message).toBe(
        `schedule: cannot read '0 9 15W * *': day of month: W (nearest weekday) is not supported; change it with PATCH /jobs/${job.id}`,
      );
      const refused = await t.http.patch(`/jobs/${job.id}`).send({ isActive: true }).expect(400);
      expect(refused.body.fields).toEqual([{ field: 'schedule', message: "cannot read '0 9 15W * *': day of month: W (nearest weekday) is not supported" }]);
      expect((await t.http.get(`/jobs/${job.id}`).expect(200)).body).toMatchObject({ isActive: false, nextRun: null });
      const { body: fixed } = await t.http.patch(`/jobs/${job.id}`).send({ isActive: true, schedule: '0 9 15 * *' }).expect(200);
      expect(fixed.nextRun).toBe((await nextRuns(job.id, 1))[0]);
    });
  });
});
