import { createHash } from 'node:crypto';
import { makeJob } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** The tokens of this file: three named keys (the admin's given as a digest) and one of API_TOKENS. */
const TOKENS = { reader: 'reader-token', operator: 'operator-token', admin: 'admin-token', legacy: 'legacy-token' };
type Caller = keyof typeof TOKENS;

describe('roles', () => {
  let t: TestApp;
  const as = (caller: Caller) => ({ authorization: `Bearer ${TOKENS[caller]}` });

  beforeAll(async () => {
    t = await startTestApp({
      API_TOKENS: TOKENS.legacy,
      API_KEYS: `grafana:reader:${TOKENS.reader},on-call:operator:${TOKENS.operator},ops-lead:admin:sha256:${digest(TOKENS.admin)}`,
      SHELL_JOBS_ENABLED: 'true',
      SCHEDULER_ENABLED: 'false',
    });
  });
  afterAll(() => t?.close());

  async function createJob(overrides: Record<string, unknown> = {}): Promise<{ id: number; [field: string]: unknown }> {
    return (await t.http.post('/jobs').set(as('admin')).send(makeJob({ isActive: false, ...overrides })).expect(201)).body;
  }
  const shellJob = () => createJob({ type: 'shell', params: { command: 'true' } });

  describe('what each role may do', () => {
    /** Each request, and the least role that may make it. */
    const REQUESTS: { what: string; least: Caller; send: (id: number) => ReturnType<TestApp['http']['get']> }[] = [
      { what: 'GET /jobs', least: 'reader', send: () => t.http.get('/jobs') },
      { what: 'GET /jobs/:id', least: 'reader', send: (id) => t.http.get(`/jobs/${id}`) },
      { what: 'GET /jobs/:id/runs', least: 'reader', send: (id) => t.http.get(`/jobs/${id}/runs`) },
      { what: 'GET /jobs/:id/next-runs', least: 'reader', send: (id) => t.http.get(`/jobs/${id}/next-runs`) },
      { what: 'GET /schedules/preview', least: 'reader', send: () => t.http.get('/schedules/preview?schedule=0+9+*+*+*') },
      { what: 'GET /api-json', least: 'reader', send: () => t.http.get('/api-json') },
      { what: 'GET /runs', least: 'reader', send: () => t.http.get('/runs') },
      { what: 'GET /runs/recent', least: 'reader', send: (id) => t.http.get(`/runs/recent?jobIds=${id}`) },
      { what: 'POST /jobs/pause?tag=', least: 'operator', send: () => t.http.post('/jobs/pause?tag=roles') },
      { what: 'POST /jobs/resume?tag=', least: 'operator', send: () => t.http.post('/jobs/resume?tag=roles') },
      { what: 'GET /jobs/export', least: 'reader', send: () => t.http.get('/jobs/export') },
      { what: 'POST /jobs/apply?dryRun=true', least: 'reader', send: () => t.http.post('/jobs/apply?dryRun=true').send({ jobs: [] }) },
      { what: 'POST /jobs/:id/run', least: 'operator', send: (id) => t.http.post(`/jobs/${id}/run`) },
      { what: 'PATCH /jobs/:id, pausing', least: 'operator', send: (id) => t.http.patch(`/jobs/${id}`).send({ isActive: false }) },
      { what: 'PATCH /jobs/:id, resuming', least: 'operator', send: (id) => t.http.patch(`/jobs/${id}`).send({ isActive: true }) },
      { what: 'PATCH /jobs/:id, pausing and more', least: 'admin', send: (id) => t.http.patch(`/jobs/${id}`).send({ isActive: false, description: 'x' }) },
      { what: 'PATCH /jobs/:id, another field', least: 'admin', send: (id) => t.http.patch(`/jobs/${id}`).send({ description: 'changed' }) },
      { what: 'POST /jobs', least: 'admin', send: () => t.http.post('/jobs').send(makeJob()) },
      { what: 'POST /jobs, a shell job', least: 'admin', send: () => t.http.post('/jobs').send(makeJob({ type: 'shell', params: { command: 'id' } })) },
      { what: 'DELETE /jobs/:id', least: 'admin', send: (id) => t.http.delete(`/jobs/${id}`) },
      { what: 'GET /jobs/:id/alerts', least: 'reader', send: (id) => t.http.get(`/jobs/${id}/alerts`) },
      { what: 'GET /job-types', least: 'reader', send: () => t.http.get('/job-types') },
      { what: 'GET /scheduler', least: 'reader', send: () => t.http.get('/scheduler') },
      { what: 'POST /scheduler/pause', least: 'operator', send: () => t.http.post('/scheduler/pause') },
      { what: 'POST /scheduler/resume', least: 'operator', send: () => t.http.post('/scheduler/resume') },
      {
        what: 'POST /jobs/:id/backfill',
        least: 'operator',
        send: (id) =>
          t.http.post(`/jobs/${id}/backfill`).send({ from: new Date(Date.now() - 3 * 86_400_000).toISOString(), to: new Date(Date.now() - 3_600_000).toISOString() }),
      },
    ];
    const RANK: Caller[] = ['reader', 'operator', 'admin'];
    const cases = REQUESTS.flatMap((request) =>
      (['reader', 'operator', 'admin', 'legacy'] as Caller[]).map((caller) => {
        const allowed = caller === 'legacy' || RANK.indexOf(caller) >= RANK.indexOf(request.least);
        return [request.what, caller, allowed ? 'may' : 'may not', request] as const;
      }),
    );

    it.each(cases)('%s: %s %s', async (_what, caller, may, request) => {
      const job = await createJob({ type: 'shell', params: { command: 'true' } });
      const response = await request.send(job.id).set(as(caller));
      if (may === 'may') {
        expect(response.status).toBeGreaterThanOrEqual(200);
        expect(response.status).toBeLessThan(300);
        return;
      }
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.stringMatching(new RegExp(`^the role ${caller} may not \\w+ \\S+: it needs (.*\\b)?${request.least}\\b`)) });
      // Refused, and nothing changed.
      const after = await t.http.get(`/jobs/${job.id}`).set(as('admin')).expect(200);
      expect(after.body).toEqual(job);
      expect((await t.http.get(`/jobs/${job.id}/runs`).set(as('admin')).expect(200)).body.total).toBe(0);
    });

    it('tells an operator what it may do with a PATCH it may not make', async () => {
      const job = await createJob();
      const { body } = await t.http.patch(`/jobs/${job.id}`).set(as('operator')).send({ name: 'renamed' }).expect(403);
      expect(body.message).toBe('the role operator may not PATCH /jobs/:id: it needs admin (operator for pausing or resuming: a body of isActive alone)');
    });

    it('lets only an admin change a shell job, beyond pausing it', async () => {
      const job = await shellJob();
      await t.http.patch(`/jobs/${job.id}`).set(as('operator')).send({ params: { command: 'id' } }).expect(403);
      await t.http.patch(`/jobs/${job.id}`).set(as('admin')).send({ params: { command: 'id' } }).expect(200);
    });
  });

  describe('tokens', () => {
    it('answers 401 without a token or with a bad one, and 403 with a good one whose role may not', async () => {
      const none = await t.http.post('/jobs').send(makeJob()).expect(401);
      expect(none.body.message).toBe('a bearer token is required: send Authorization: Bearer <token>');
      const bad = await t.http.post('/jobs').set('authorization', 'Bearer wrong').send(makeJob()).expect(401);
      expect(bad.body.message).toBe('the bearer token is not valid');
      await t.http.post('/jobs').set(as('reader')).send(makeJob()).expect(403);
    });

    it('accepts an API_KEYS token given as its SHA-256 digest, and not the digest itself', async () => {
      await t.http.get('/jobs').set(as('admin')).expect(200);
      await t.http.get('/jobs').set('authorization', `Bearer sha256:${digest(TOKENS.admin)}`).expect(401);
      await t.http.get('/jobs').set('authorization', `Bearer ${digest(TOKENS.admin)}`).expect(401);
    });
  });

  describe('secrets in what roles below admin read', () => {
    const secrets = {
      type: 'http',
      params: { url: 'https://ann:hunter2@example.com/hook?token=abc', method: 'POST', headers: { Authorization: 'Bearer upstream' }, body: { password: 'pw', user: 'ann' } },
    };

    it('are redacted for a reader and an operator, and shown to an admin', async () => {
      const job = await createJob(secrets);
      const redacted = {
        url: 'https://redacted@example.com/hook?token=redacted',
        method: 'POST',
        headers: { Authorization: '[redacted]' },
        body: { password: '[redacted]', user: '[redacted]' },
      };
      for (const caller of ['reader', 'operator'] as const) {
        expect((await t.http.get(`/jobs/${job.id}`).set(as(caller)).expect(200)).body.params).toEqual(redacted);
        const page = await t.http.get(`/jobs?search=${encodeURIComponent(job.name as string)}`).set(as(caller)).expect(200);
        expect(page.body.data[0].params).toEqual(redacted);
      }
      expect((await t.http.patch(`/jobs/${job.id}`).set(as('operator')).send({ isActive: true }).expect(200)).body.params).toEqual(redacted);
      expect((await t.http.get(`/jobs/${job.id}`).set(as('admin')).expect(200)).body.params).toEqual(secrets.params);
      expect((await t.http.get(`/jobs/${job.id}`).set(as('legacy')).expect(200)).body.params).toEqual(secrets.params);
    });

    it("redact a shell job's env for a reader", async () => {
      const job = await createJob({ type: 'shell', params: { command: 'pg_dump', env: { PGPASSWORD: 'hunter2' } } });
      expect((await t.http.get(`/jobs/${job.id}`).set(as('reader')).expect(200)).body.params.env).toEqual({ PGPASSWORD: '[redacted]' });
    });
  });
});
