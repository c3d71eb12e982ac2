import { makeJob } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { withClient } from './support/test-server';

/** Issue 15's findings on the errors themselves: each answer names its field and status, and changes nothing. */
describe('errors a person can act on', () => {
  let t: TestApp;
  const countJobs = () => withClient(t.database.url, async (client) => Number((await client.query('SELECT count(*) FROM jobs')).rows[0].count));
  const create = (overrides: Record<string, unknown> = {}) => t.http.post('/jobs').send(makeJob(overrides));

  beforeAll(async () => {
    t = await startTestApp({ SCHEDULER_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  describe('one problem per field, the type before the range', () => {
    it.each([
      ['limit', 'abc', 'must be an integer number'],
      ['offset', '-1.5', 'must be an integer number'],
    ])('GET /jobs?%s=%s answers 400 naming it once: %s', async (field, value, message) => {
      const { body } = await t.http.get(`/jobs?${field}=${value}`).expect(400);
      expect(body.fields).toEqual([{ field, message }]);
      expect(body.message).toBe(`${field}: ${message}`);
    });

    it.each([
      ['maxAttempts', '3', 'must be an integer number'],
      ['name', 123, 'must be a string'],
      ['schedule', 5, 'must be a string'],
      ['timeoutMs', 1.5, 'must be an integer number'],
    ])('POST /jobs with %s %j answers 400 naming it once: %s', async (field, value, message) => {
      const before = await countJobs();
      const { body } = await create({ [field]: value }).expect(400);
      expect(body.fields).toEqual([{ field, message }]);
      expect(await countJobs()).toBe(before);
    });

    it('still names a range problem when the type is right', async () => {
      const { body } = await t.http.get('/jobs?limit=500').expect(400);
      expect(body.fields).toEqual([{ field: 'limit', message: 'must not be greater than 100' }]);
    });
  });

  it('POST /jobs reports the problems of params together with the top-level ones', async () => {
    const { body } = await create({ type: 'http', maxAttempts: 0, params: { url: 'not a url', colour: 'red' } }).expect(400);
    expect(body.fields).toEqual(
      expect.arrayContaining([
        { field: 'maxAttempts', message: 'must not be less than 1' },
        { field: 'params.colour', message: 'is not a known field' },
        { field: 'params.url', message: 'must be a URL address' },
      ]),
    );
    expect(body.fields).toHaveLength(3);
  });

  it('PATCH /jobs/:id with a type reports its params problems together with the top-level ones', async () => {
    const { body: job } = await create().expect(201);
    const { body } = await t.http.patch(`/jobs/${job.id}`).send({ name: '', type: 'http', params: {} }).expect(400);
    expect(body.fields).toEqual([
      { field: 'name', message: 'must be longer than or equal to 1 characters' },
      { field: 'params.url', message: 'is required' },
    ]);
  });

  describe('415 for a body that is not JSON', () => {
    it.each([
      ['a form (plain curl -d)', 'application/x-www-form-urlencoded'],
      ['text', 'text/plain'],
    ])('POST /jobs with %s answers 415 naming application/json, and creates nothing', async (_, contentType) => {
      const before = await countJobs();
      const response = await t.http.post('/jobs').set('content-type', contentType).send(JSON.stringify(makeJob())).expect(415);
      expect(response.body).toEqual({
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: `the body must be JSON sent with Content-Type: application/json (got Content-Type ${contentType})`,
      });
      expect(await countJobs()).toBe(before);
    });

    it('PATCH /jobs/:id with a form answers 415 and changes nothing', async () => {
      const { body: job } = await create().expect(201);
      await t.http.patch(`/jobs/${job.id}`).set('content-type', 'application/x-www-form-urlencoded').send('name=other').expect(415);
      expect((await t.http.get(`/jobs/${job.id}`).expect(200)).body.name).toBe(job.name);
    });

    it('takes JSON with a charset', async () => {
      await t.http.post('/jobs').set('content-type', 'application/json; charset=utf-8').send(JSON.stringify(makeJob())).expect(201);
    });
  });

  it('POST /jobs with a taken name answers 409 with fields naming name', async () => {
    const body = makeJob();
    await t.http.post('/jobs').send(body).expect(201);
    const before = await countJobs();
    const { body: answer } = await t.http.post('/jobs').send(body).expect(409);
    expect(answer).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: `name: a job named "${String(body.name)}" already exists`,
      fields: [{ field: 'name', message: `a job named "${String(body.name)}" already exists` }],
    });
    expect(await countJobs()).toBe(before);
  });

  describe('PATCH /jobs/:id changing type', () => {
    it('replaces the old type defaults: a log job becomes an http job without params.level', async () => {
      const { body: job } = await create({ params: { level: 'warn' } }).expect(201);
      const { body } = await t.http.patch(`/jobs/${job.id}`).send({ type: 'http' }).expect(400);
      expect(body.fields).toEqual([{ field: 'params.url', message: 'is required' }]);
      const { body: changed } = await t.http.patch(`/jobs/${job.id}`).send({ type: 'http', params: { url: 'https://example.com/hook' } }).expect(200);
      expect(changed.params).toEqual({ url: 'https://example.com/hook', method: 'GET', headers: {} });
    });

    it('keeps the params when the type named is the current one', async () => {
      const { body: job } = await create({ params: { level: 'warn', message: 'hi' } }).expect(201);
      const { body } = await t.http.patch(`/jobs/${job.id}`).send({ type: 'log' }).expect(200);
      expect(body.params).toEqual({ level: 'warn', message: 'hi' });
    });
  });

  describe('POST /jobs/:id/run', () => {
    it('refuses unknown body fields with 400 naming them, and queues no run', async () => {
      const { body: job } = await create().expect(201);
      const { body } = await t.http.post(`/jobs/${job.id}/run`).send({ force: true }).expect(400);
      expect(body.fields).toEqual([{ field: 'force', message: 'is not a known field: this request takes no body' }]);
      expect((await t.http.get(`/jobs/${job.id}/runs`).expect(200)).body.total).toBe(0);
    });

    it('takes no body or an empty object', async () => {
      const { body: job } = await create().expect(201);
      await t.http.post(`/jobs/${job.id}/run`).expect(202);
      await t.http.post(`/jobs/${job.id}/run`).send({}).expect(202);
    });
  });

  describe('405 for a known path with a wrong method', () => {
    it.each([
      ['put', '/jobs/3', 'DELETE, GET, HEAD, PATCH'],
      ['delete', '/jobs', 'GET, HEAD, POST'],
      ['get', '/jobs/3/run', 'POST'],
    ] as const)('%s %s answers 405 with Allow: %s', async (method, path, allow) => {
      const response = await t.http[method](path).expect(405);
      expect(response.headers.allow).toBe(allow);
      expect(response.body).toEqual({ statusCode: 405, error: 'Method Not Allowed', message: `${method.toUpperCase()} is not a method of ${path}; use one of: ${allow}` });
    });

    it('still answers 404 for a path that is not there', async () => {
      await t.http.get('/nowhere').expect(404);
    });
  });

  it('POST /jobs answers 201 with the Location of the new job', async () => {
    const response = await create().expect(201);
    expect(response.headers.location).toBe(`/jobs/${response.body.id}`);
    await t.http.get(response.headers.location).expect(200);
  });

  it('stores names trimmed, and refuses a name of spaces alone as empty', async () => {
    const name = `  spaced ${process.pid}  `;
    const { body } = await create({ name }).expect(201);
    expect(body.name).toBe(name.trim());
    const { body: refused } = await create({ name: '   ' }).expect(400);
    expect(refused.fields).toEqual([{ field: 'name', message: 'must be longer than or equal to 1 characters' }]);
    const { body: renamed } = await t.http.patch(`/jobs/${body.id}`).send({ name: ` renamed ${process.pid} ` }).expect(200);
    expect(renamed.name).toBe(`renamed ${process.pid}`);
  });

  describe('nesting depth', () => {
    // Written as text: JSON.stringify itself overflows the stack on a value this deep.
    const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

    it.each([40, 5_000])('POST /jobs with params nested %i levels deep answers 400 naming params', async (depth) => {
      const before = await countJobs();
      const body = `{"name":"deep ${depth}","schedule":"0 9 * * *","type":"http","params":{"url":"https://example.com","body":${nested(depth)}}}`;
      const { body: answer } = await t.http.post('/jobs').set('content-type', 'application/json').send(body).expect(400);
      expect(answer.fields).toEqual([{ field: 'params', message: 'must not nest objects or arrays more than 32 levels deep' }]);
      expect(await countJobs()).toBe(before);
    });

    it('PATCH /jobs/:id with a deep body answers 400 naming the field', async () => {
      const { body: job } = await create().expect(201);
      const { body } = await t.http.patch(`/jobs/${job.id}`).set('content-type', 'application/json').send(`{"params":${nested(5_000)}}`).expect(400);
      expect(body.fields).toEqual([{ field: 'params', message: 'must not nest objects or arrays more than 32 levels deep' }]);
    });

    it('takes an http body nested a few levels', async () => {
      await create({ type: 'http', params: { url: 'https://example.com', body: JSON.parse(nested(10)) } }).expect(201);
    });
  });

  describe('empty filter values are ignored, as if absent', () => {
    it.each(['type', 'search', 'lastStatus', 'isActive', 'limit', 'offset'])('GET /jobs?%s= lists what GET /jobs lists', async (field) => {
      await create().expect(201);
      const all = (await t.http.get('/jobs').expect(200)).body;
      const { body } = await t.http.get(`/jobs?${field}=`).expect(200);
      expect(body).toEqual(all);
    });

    it('GET /jobs/:id/runs?status= lists every run', async () => {
      const { body: job } = await create().expect(201);
      await t.http.post(`/jobs/${job.id}/run`).expect(202);
      expect((await t.http.get(`/jobs/${job.id}/runs?status=`).expect(200)).body.total).toBe(1);
    });
  });

  describe('GET /jobs/:id/next-runs says whether the job is paused', () => {
    it('lists the schedule of a paused job with Job-Paused: true', async () => {
      const { body: job } = await create({ isActive: false }).expect(201);
      expect(job.nextRun).toBeNull();
      const response = await t.http.get(`/jobs/${job.id}/next-runs?count=2`).expect(200);
      expect(response.headers['job-paused']).toBe('true');
      expect(response.body).toHaveLength(2);
    });

    it('says Job-Paused: false for an active job, whose first occurrence is its nextRun', async () => {
      const { body: job } = await create().expect(201);
      const response = await t.http.get(`/jobs/${job.id}/next-runs?count=1`).expect(200);
      expect(response.headers['job-paused']).toBe('false');
      expect(response.body).toEqual([job.nextRun]);
    });
  });
});
