import { makeJob } from './support/factories';
import { LOOPBACK_HTTP_JOBS } from './support/loopback-http-jobs';
import { startTestApp, type TestApp } from './support/test-app';
import { withClient } from './support/test-server';

describe('jobs API', () => {
  let t: TestApp;
  const countJobs = () =>
    withClient(t.database.url, async (client) => Number((await client.query('SELECT count(*) FROM jobs')).rows[0].count));

  beforeAll(async () => {
    t = await startTestApp(LOOPBACK_HTTP_JOBS);
  });
  afterAll(() => t.close());

  describe('POST /jobs', () => {
    it('creates the job of the README example, due at the next 09:00 UTC', async () => {
      const before = new Date();
      const response = await t.http
        .post('/jobs')
        .send({
          name: 'Daily Email Notification',
          description: 'Send daily newsletter to users',
          schedule: '0 9 * * *',
          isActive: true,
        })
        .expect(201);
      const next = new Date(before);
      next.setUTCHours(9, 0, 0, 0);
      if (next <= before) next.setUTCDate(next.getUTCDate() + 1);
      expect(response.body).toEqual({
        id: expect.any(Number),
        name: 'Daily Email Notification',
        description: 'Send daily newsletter to users',
        schedule: '0 9 * * *',
        runAt: null,
        timezone: 'UTC',
        type: 'log',
        params: { level: 'log' },
        tags: [],
        isActive: true,
        overlapPolicy: 'allow',
        misfirePolicy: 'run_once',
        maxAttempts: 1,
        retryBackoffMs: 1000,
        timeoutMs: 60000,
        maxConcurrency: null,
        notify: null,
        jitterMs: 0,
        maxCatchUp: 10,
        lastRun: null,
        lastStatus: null,
        nextRun: next.toISOString(),
        scheduleError: null,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        updatedAt: expect.stringMatching(/Z$/),
      });
    });

    it('takes every optional field', async () => {
      const body = makeJob({
        description: null,
        schedule: '*/30 * * * * *',
        timezone: 'europe/paris',
        type: 'http',
        params: { url: 'http://127.0.0.1:9/hook', method: 'POST', headers: { 'x-a': '1' }, body: { a: 1 }, expectedStatus: [200, 204] },
        isActive: false,
        overlapPolicy: 'forbid',
        misfirePolicy: 'run_all',
        maxCatchUp: 50,
        maxAttempts: 3,
        retryBackoffMs: 0,
        timeoutMs: 5000,
        maxConcurrency: 1,
        jitterMs: 1000,
      });
      const { body: job } = await t.http.post('/jobs').send(body).expect(201);
      expect(job).toMatchObject({
        description: null,
        timezone: 'Europe/Paris',
        type: 'http',
        params: { url: 'http://127.0.0.1:9/hook', method: 'POST', headers: { 'x-a': '1' }, body: { a: 1 }, expectedStatus: [200, 204] },
        isActive: false,
        nextRun: null,
        overlapPolicy: 'forbid',
        misfirePolicy: 'run_all',
        maxCatchUp: 50,
        maxAttempts: 3,
        retryBackoffMs: 0,
        timeoutMs: 5000,
        maxConcurrency: 1,
        jitterMs: 1000,
      });
    });

    it('computes nextRun in the job time zone for 6-field schedules', async () => {
      const { body: job } = await t.http.post('/jobs').send(makeJob({ schedule: '15 * * * * *', timezone: 'Asia/Kolkata' })).expect(201);
      const next = new Date(job.nextRun);
      expect(next.getUTCSeconds()).toBe(15);
      expect(next.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
      expect(next.getTime()).toBeGreaterThan(new Date(job.createdAt).getTime() - 1000);
    });

    it('answers 409 for a name that is taken, and keeps the first job', async () => {
      const body = makeJob();
      await t.http.post('/jobs').send(body).expect(201);
      const before = await countJobs();
      const response = await t.http.post('/jobs').send({ ...body, schedule: '* * * * *' }).expect(409);
      expect(response.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message: `name: a job named "${String(body.name)}" already exists`,
        fields: [{ field: 'name', message: `a job named "${String(body.name)}" already exists` }],
      });
      expect(await countJobs()).toBe(before);
    });

    it.each([
      ['a missing name', { schedule: '* * * * *' }, 'name: is required'],
      ['a missing schedule', { name: 'x' }, 'schedule: is required'],
      ['an empty name', makeJob({ name: '' }), 'name: must be longer than or equal to 1 characters'],
      ['a name too long', makeJob({ name: 'n'.repeat(201) }), 'name: must be shorter than or equal to 200 characters'],
      ['a number as name', makeJob({ name: 42 }), 'name: must be a string'],
      ['a bad minute', makeJob({ schedule: '61 * * * *' }), "schedule: '61 * * * *' is not a valid cron expression: minute must be 0-59 (got 61)"],
      ['too few cron fields', makeJob({ schedule: '* * *' }), 'schedule: \'* * *\' is not a valid cron expression: expected 5 fields'],
      ['an unknown time zone', makeJob({ timezone: 'Mars/Olympus' }), "timezone: 'Mars/Olympus' is not an IANA time zone"],
      ['an unknown type', makeJob({ type: 'ftp' }), 'type: "ftp" is not a job type; use one of: http, log, shell'],
      ['a disabled type', makeJob({ type: 'shell', params: { command: 'ls' } }), 'type: shell jobs are disabled'],
      ['params that are not an object', makeJob({ params: [1] }), 'params: must be an object'],
      ['params the type does not know', makeJob({ params: { colour: 'red' } }), 'params.colour: is not a known field'],
      ['http params without url', makeJob({ type: 'http', params: {} }), 'params.url: is required'],
      ['http params with a bad url', makeJob({ type: 'http', params: { url: 'ftp://x' } }), 'params.url: must be a URL address'],
      ['http params with a bad method', makeJob({ type: 'http', params: { url: 'http://a.b', method: 'BREW' } }), 'params.method: must be one of'],
      ['http params with bad statuses', makeJob({ type: 'http', params: { url: 'http://a.b', expectedStatus: [99] } }), 'params.expectedStatus: each value in expectedStatus must not be less than 100'],
      ['a bad isActive', makeJob({ isActive: 'yes' }), 'isActive: must be a boolean value'],
      ['a bad overlapPolicy', makeJob({ overlapPolicy: 'sometimes' }), 'overlapPolicy: must be one of the following values: allow, forbid'],
      ['a bad misfirePolicy', makeJob({ misfirePolicy: 'later' }), 'misfirePolicy: must be one of the following values: run_once, skip'],
      ['maxAttempts of 0', makeJob({ maxAttempts: 0 }), 'maxAttempts: must not be less than 1'],
      ['maxAttempts of 11', makeJob({ maxAttempts: 11 }), 'maxAttempts: must not be greater than 10'],
      ['a fractional maxAttempts', makeJob({ maxAttempts: 1.5 }), 'maxAttempts: must be an integer number'],
      ['a negative retryBackoffMs', makeJob({ retryBackoffMs: -1 }), 'retryBackoffMs: must not be less than 0'],
      ['a zero timeoutMs', makeJob({ timeoutMs: 0 }), 'timeoutMs: must not be less than 1'],
      ['a zero maxConcurrency', makeJob({ maxConcurrency: 0 }), 'maxConcurrency: must not be less than 1'],
      ['a maxConcurrency over 10000', makeJob({ maxConcurrency: 10_001 }), 'maxConcurrency: must not be greater than 10000'],
      ['a fractional maxConcurrency', makeJob({ maxConcurrency: 2.5 }), 'maxConcurrency: must be an integer number'],
      ['a maxConcurrency as text', makeJob({ maxConcurrency: '2' }), 'maxConcurrency: must be an integer number'],
      [
        'a maxConcurrency above 1 with overlapPolicy forbid',
        makeJob({ overlapPolicy: 'forbid', maxConcurrency: 2 }),
        'maxConcurrency: must be 1 or null with overlapPolicy "forbid", which never runs two at once (got 2)',
      ],
      ['an unknown field', makeJob({ owner: 'me' }), 'owner: is not a known field'],
      ['an array body', [makeJob()], 'body: must be a JSON object'],
    ])('answers 400 naming the field for %s, and creates nothing', async (_, body, message) => {
      const before = await countJobs();
      const response = await t.http.post('/jobs').send(body as object).expect(400);
      expect(response.body.statusCode).toBe(400);
      expect(response.body.error).toBe('Bad Request');
      expect(response.body.message).toContain(message);
      expect(response.body.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: message.split(':')[0] })]));
      expect(await countJobs()).toBe(before);
    });

    it('answers 400 for malformed JSON', async () => {
      const response = await t.http.post('/jobs').set('content-type', 'application/json').send('{"name": ').expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('JSON') });
    });

    it('answers 413 for a body over 1 MB', async () => {
      const response = await t.http.post('/jobs').send(makeJob({ description: 'x'.repeat(1_100_000) })).expect(413);
      expect(response.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    });

    it('answers 4xx, never 5xx, for a body that is not JSON', async () => {
      const response = await t.http.post('/jobs').set('content-type', 'text/plain').send('name=x');
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    });
  });

  describe('GET /jobs', () => {
    let ids: number[];
    beforeAll(async () => {
      ids = [];
      for (const overrides of [
        { name: 'list alpha report', type: 'log' },
        { name: 'list beta', description: 'the weekly REPORT', type: 'http', params: { url: 'http://127.0.0.1:9' } },
        { name: 'list gamma', isActive: false },
      ]) {
        ids.push((await t.http.post('/jobs').send(makeJob(overrides)).expect(201)).body.id);
      }
    });

    it('pages through jobs ordered by id with the total', async () => {
      const all = (await t.http.get('/jobs?limit=100').expect(200)).body;
      expect(all.limit).toBe(100);
      expect(all.offset).toBe(0);
      expect(all.total).toBe(all.data.length);
      const sorted = [...all.data.map((job: { id: number }) => job.id)].sort((a, b) => a - b);
      expect(all.data.map((job: { id: number }) => job.id)).toEqual(sorted);
      const page = (await t.http.get('/jobs?limit=2&offset=1').expect(200)).body;
      expect(page).toMatchObject({ total: all.total, limit: 2, offset: 1 });
      expect(page.data.map((job: { id: number }) => job.id)).toEqual(sorted.slice(1, 3));
    });

    it('defaults to 20 per page', async () => {
      expect((await t.http.get('/jobs').expect(200)).body).toMatchObject({ limit: 20, offset: 0 });
    });

    it('filters by isActive, type and search text', async () => {
      const inactive = (await t.http.get('/jobs?isActive=false&limit=100').expect(200)).body;
      expect(inactive.data.every((job: { isActive: boolean }) => !job.isActive)).toBe(true);
      expect(inactive.data.map((job: { id: number }) => job.id)).toContain(ids[2]);
      const http = (await t.http.get('/jobs?type=http').expect(200)).body;
      expect(http.data.map((job: { id: number }) => job.id)).toContain(ids[1]);
      expect(http.data.every((job: { type: string }) => job.type === 'http')).toBe(true);
      expect(http.data.map((job: { id: number }) => job.id)).not.toContain(ids[0]);
      const report = (await t.http.get('/jobs?search=report').expect(200)).body;
      expect(report.data.map((job: { id: number }) => job.id)).toEqual([ids[0], ids[1]]);
      expect(report.total).toBe(2);
    });

    it('filters by the status of the last run', async () => {
      await withClient(t.database.url, (client) =>
        client.query(`UPDATE jobs SET last_status = CASE id WHEN $1 THEN 'failed' WHEN $2 THEN 'succeeded' END::"RunStatus" WHERE id IN ($1, $2)`, [ids[0], ids[1]]),
      );
      const failed = (await t.http.get('/jobs?lastStatus=failed&limit=100').expect(200)).body;
      expect(failed.data.map((job: { id: number }) => job.id)).toEqual([ids[0]]);
      expect(failed).toMatchObject({ total: 1, data: [{ lastStatus: 'failed' }] });
      const succeeded = (await t.http.get('/jobs?lastStatus=succeeded&type=http').expect(200)).body;
      expect(succeeded.data.map((job: { id: number }) => job.id)).toEqual([ids[1]]);
    });

    it.each([
      ['limit=0', 'limit: must not be less than 1'],
      ['limit=101', 'limit: must not be greater than 100'],
      ['limit=ten', 'limit: must be an integer number'],
      ['offset=-1', 'offset: must not be less than 0'],
      ['isActive=maybe', 'isActive: must be a boolean value'],
      ['lastStatus=broken', 'lastStatus: must be one of the following values: queued, running'],
      ['colour=red', 'colour: is not a known field'],
    ])('answers 400 for %s', async (query, message) => {
      const response = await t.http.get(`/jobs?${query}`).expect(400);
      expect(response.body.message).toContain(message);
    });
  });

  describe('GET /jobs/:id', () => {
    it('returns the job', async () => {
      const { body: created } = await t.http.post('/jobs').send(makeJob()).expect(201);
      expect((await t.http.get(`/jobs/${created.id}`).expect(200)).body).toEqual(created);
    });

    it('answers 404 for a job that does not exist', async () => {
      expect((await t.http.get('/jobs/999999').expect(404)).body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: 'job 999999 does not exist',
      });
    });

    it.each(['abc', '0', '-1', '1.5', '99999999999', '1e3'])('answers 400 for id %p', async (id) => {
      const response = await t.http.get(`/jobs/${id}`).expect(400);
      expect(response.body.message).toContain('id: must be a positive integer');
    });
  });

  describe('PATCH /jobs/:id', () => {
    it('changes the given fields only', async () => {
      const { body: created } = await t.http.post('/jobs').send(makeJob({ description: 'old' })).expect(201);
      const { body: updated } = await t.http.patch(`/jobs/${created.id}`).send({ description: 'new', maxAttempts: 4 }).expect(200);
      expect(updated).toMatchObject({ ...created, description: 'new', maxAttempts: 4, updatedAt: expect.any(String) });
      expect(updated.nextRun).toBe(created.nextRun);
      expect(new Date(updated.updatedAt).getTime()).toBeGreaterThanOrEqual(new Date(created.updatedAt).getTime());
    });

    it('recomputes nextRun when schedule, timezone or isActive change', async () => {
      const { body: created } = await t.http.post('/jobs').send(makeJob({ schedule: '0 9 * * *' })).expect(201);
      const tokyo = (await t.http.patch(`/jobs/${created.id}`).send({ timezone: 'Asia/Tokyo' }).expect(200)).body;
      expect(new Date(tokyo.nextRun).getUTCHours()).toBe(0);
      const paused = (await t.http.patch(`/jobs/${created.id}`).send({ isActive: false }).expect(200)).body;
      expect(paused.nextRun).toBeNull();
      const resumed = (await t.http.patch(`/jobs/${created.id}`).send({ isActive: true, schedule: '30 18 * * *' })).body;
      expect(new Date(resumed.nextRun).getUTCHours()).toBe(9); // 18:30 in Tokyo
      expect(new Date(resumed.nextRun).getUTCMinutes()).toBe(30);
    });

    it('validates params against the new type', async () => {
      const { body: created } = await t.http.post('/jobs').send(makeJob()).expect(201);
      const response = await t.http.patch(`/jobs/${created.id}`).send({ type: 'http' }).expect(400);
      expect(response.body.message).toContain('params.');
      const ok = await t.http.patch(`/jobs/${created.id}`).send({ type: 'http', params: { url: 'https://example.com' } }).expect(200);
      expect(ok.body.params).toEqual({ url: 'https://example.com', method: 'GET', headers: {} });
      expect((await t.http.get(`/jobs/${created.id}`)).body.type).toBe('http');
    });

    it('answers 409 when renaming onto another job, and changes nothing', async () => {
      const { body: first } = await t.http.post('/jobs').send(makeJob()).expect(201);
      const { body: second } = await t.http.post('/jobs').send(makeJob()).expect(201);
      await t.http.patch(`/jobs/${second.id}`).send({ name: first.name, description: 'changed' }).expect(409);
      expect((await t.http.get(`/jobs/${second.id}`)).body).toEqual(second);
    });

    it.each([
      [{ schedule: '0 0 31 2 *' }, 'schedule:'],
      [{ timezone: 'Nowhere' }, 'timezone:'],
      [{ maxAttempts: 0 }, 'maxAttempts:'],
      [{ id: 5 }, 'id: is not a known field'],
      [{ lastRun: '2026-01-01T00:00:00Z' }, 'lastRun: is not a known field'],
    ])('answers 400 for %p and changes nothing', async (patch, message) => {
      const { body: created } = await t.http.post('/jobs').send(makeJob()).expect(201);
      const response = await t.http.patch(`/jobs/${created.id}`).send(patch).expect(400);
      expect(response.body.message).toContain(message);
      expect((await t.http.get(`/jobs/${created.id}`)).body).toEqual(created);
    });

    it('answers 404 for a job that does not exist and 400 for a bad id', async () => {
      await t.http.patch('/jobs/999999').send({ description: 'x' }).expect(404);
      await t.http.patch('/jobs/x').send({ description: 'x' }).expect(400);
    });
  });

  describe('maxConcurrency', () => {
    it('is null by default, takes 1 to 10000, and goes back to null', async () => {
      const { body: created } = await t.http.post('/jobs').send(makeJob()).expect(201);
      expect(created.maxConcurrency).toBeNull();
      const { body: limited } = await t.http.patch(`/jobs/${created.id}`).send({ maxConcurrency: 10_000 }).expect(200);
      expect(limited.maxConcurrency).toBe(10_000);
      expect((await t.http.get(`/jobs/${created.id}`).expect(200)).body.maxConcurrency).toBe(10_000);
      const { body: unlimited } = await t.http.patch(`/jobs/${created.id}`).send({ maxConcurrency: null }).expect(200);
      expect(unlimited.maxConcurrency).toBeNull();
    });

    it('allows only null or 1 with overlapPolicy forbid, judged on the job as the change leaves it', async () => {
      const { body: job } = await t.http.post('/jobs').send(makeJob({ maxConcurrency: 3 })).expect(201);
      const toForbid = await t.http.patch(`/jobs/${job.id}`).send({ overlapPolicy: 'forbid' }).expect(400);
      expect(toForbid.body.message).toBe('overlapPolicy: cannot be "forbid" while maxConcurrency is 3: set maxConcurrency to 1 or null with it');
      expect((await t.http.get(`/jobs/${job.id}`).expect(200)).body).toMatchObject({ overlapPolicy: 'allow', maxConcurrency: 3 });
      await t.http.patch(`/jobs/${job.id}`).send({ overlapPolicy: 'forbid', maxConcurrency: 1 }).expect(200);
      const above = await t.http.patch(`/jobs/${job.id}`).send({ maxConcurrency: 2 }).expect(400);
      expect(above.body.fields).toEqual([{ field: 'maxConcurrency', message: 'must be 1 or null with overlapPolicy "forbid", which never runs two at once (got 2)' }]);
      const { body: forbidden } = await t.http.patch(`/jobs/${job.id}`).send({ maxConcurrency: null }).expect(200);
      expect(forbidden).toMatchObject({ overlapPolicy: 'forbid', maxConcurrency: null });
    });
  });

  describe('DELETE /jobs/:id', () => {
    it('deletes the job and its run history', async () => {
      const { body: created } = await t.http.post('/jobs').send(makeJob()).expect(201);
      await withClient(t.database.url, (client) =>
        client.query("INSERT INTO job_runs (job_id, scheduled_for, status) VALUES ($1, now(), 'succeeded')", [created.id]),
      );
      await t.http.delete(`/jobs/${created.id}`).expect(204);
      await t.http.get(`/jobs/${created.id}`).expect(404);
      const runs = await withClient(t.database.url, (client) =>
        client.query('SELECT count(*) FROM job_runs WHERE job_id = $1', [created.id]),
      );
      expect(Number(runs.rows[0].count)).toBe(0);
    });

    it('answers 404 for a job that does not exist and 400 for a bad id', async () => {
      await t.http.delete('/jobs/999999').expect(404);
      await t.http.delete('/jobs/0').expect(400);
    });
  });

  describe('GET /jobs/:id/changes', () => {
    it('records the actor as anonymous when no credential is configured', async () => {
      const { body: created } = await t.http.post('/jobs').send(makeJob()).expect(201);
      await t.http.patch(`/jobs/${created.id}`).send({ isActive: false }).expect(200);
      const { body } = await t.http.get(`/jobs/${created.id}/changes`).expect(200);
      expect(body.data.map((entry: { action: string; actor: string; via: string }) => [entry.action, entry.actor, entry.via])).toEqual([
        ['pause', 'anonymous', 'open'],
        ['create', 'anonymous', 'open'],
      ]);
    });
  });

  describe('GET /jobs/:id/runs', () => {
    it('lists the runs newest first, paginated and filtered by status', async () => {
      const { body: job } = await t.http.post('/jobs').send(makeJob()).expect(201);
      await withClient(t.database.url, (client) =>
        client.query(
          `INSERT INTO job_runs (job_id, scheduled_for, status, attempt) VALUES
             ($1, '2026-01-01T09:00:00Z', 'succeeded', 1),
             ($1, '2026-01-02T09:00:00Z', 'failed', 1),
             ($1, '2026-01-03T09:00:00Z', 'succeeded', 1)`,
          [job.id],
        ),
      );
      const all = (await t.http.get(`/jobs/${job.id}/runs`).expect(200)).body;
      expect(all).toMatchObject({ total: 3, limit: 20, offset: 0 });
      expect(all.data.map((run: { scheduledFor: string }) => run.scheduledFor)).toEqual([
        '2026-01-03T09:00:00.000Z',
        '2026-01-02T09:00:00.000Z',
        '2026-01-01T09:00:00.000Z',
      ]);
      expect(all.data[0]).toEqual({
        id: expect.any(Number),
        jobId: job.id,
        scheduledFor: '2026-01-03T09:00:00.000Z',
        attempt: 1,
        status: 'succeeded',
        instanceId: null,
        runAt: null,
        startedAt: null,
        finishedAt: null,
        durationMs: null,
        error: null,
        output: null,
        leaseExpiresAt: null,
        createdAt: expect.any(String),
      });
      const failed = (await t.http.get(`/jobs/${job.id}/runs?status=failed`).expect(200)).body;
      expect(failed.total).toBe(1);
      expect(failed.data[0].scheduledFor).toBe('2026-01-02T09:00:00.000Z');
      const second = (await t.http.get(`/jobs/${job.id}/runs?limit=1&offset=1`).expect(200)).body;
      expect(second.data.map((run: { scheduledFor: string }) => run.scheduledFor)).toEqual(['2026-01-02T09:00:00.000Z']);
    });

    it('answers 404 for a missing job and 400 for bad queries', async () => {
      await t.http.get('/jobs/999999/runs').expect(404);
      const { body: job } = await t.http.post('/jobs').send(makeJob()).expect(201);
      expect((await t.http.get(`/jobs/${job.id}/runs?status=exploded`).expect(400)).body.message).toContain('status: must be one of');
      expect((await t.http.get(`/jobs/${job.id}/runs?limit=500`).expect(400)).body.message).toContain('limit:');
    });
  });

  describe('GET /jobs/:id/next-runs', () => {
    it('returns the next N occurrences in the job time zone', async () => {
      const { body: job } = await t.http
        .post('/jobs')
        .send(makeJob({ schedule: '0 9 * * *', timezone: 'Asia/Tokyo' }))
        .expect(201);
      const runs = (await t.http.get(`/jobs/${job.id}/next-runs?count=3`).expect(200)).body as string[];
      expect(runs).toHaveLength(3);
      expect(runs[0]).toBe(job.nextRun);
      for (const run of runs) expect(run).toMatch(/T00:00:00\.000Z$/);
      expect(new Date(runs[1]).getTime() - new Date(runs[0]).getTime()).toBe(86_400_000);
    });

    it('defaults to 5 and refuses counts outside 1-100', async () => {
      const { body: job } = await t.http.post('/jobs').send(makeJob()).expect(201);
      expect((await t.http.get(`/jobs/${job.id}/next-runs`).expect(200)).body).toHaveLength(5);
      expect((await t.http.get(`/jobs/${job.id}/next-runs?count=0`).expect(400)).body.message).toContain('count: must not be less than 1');
      expect((await t.http.get(`/jobs/${job.id}/next-runs?count=101`).expect(400)).body.message).toContain('count:');
      await t.http.get('/jobs/999999/next-runs').expect(404);
    });
  });
});
