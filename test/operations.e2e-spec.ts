import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeJob } from './support/factories';
import { LOOPBACK_HTTP_JOBS } from './support/loopback-http-jobs';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const TOKENS = { API_TOKENS: 'alpha-token, beta-token', METRICS_TOKEN: 'metrics-token' };

describe('operations, in one instance', () => {
  let t: TestApp;
  const logFile = join(mkdtempSync(join(tmpdir(), 'scheduler-log-')), 'audit.log');
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const logLines = () =>
    existsSync(logFile)
      ? readFileSync(logFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>)
      : [];

  beforeAll(async () => {
    t = await startTestApp({
      ...TOKENS,
      ...LOOPBACK_HTTP_JOBS,
      CORS_ORIGINS: 'https://dashboard.example',
      LOG_LEVEL: 'log',
      LOG_FILE: logFile,
      SCHEDULER_TICK: '0 0 1 1 *',
    });
  });
  afterAll(() => t.close());

  describe('bearer tokens', () => {
    it('refuses the API without a token and with a wrong one', async () => {
      const missing = await t.http.get('/jobs').expect(401);
      expect(missing.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.stringContaining('bearer token is required') });
      expect(missing.headers['www-authenticate']).toBe('Bearer');
      expect((await t.http.get('/jobs').set(bearer('gamma-token')).expect(401)).body.message).toBe('the bearer token is not valid');
      await t.http.post('/jobs').send(makeJob()).expect(401);
    });

    it('accepts each configured token', async () => {
      await t.http.get('/jobs').set(bearer('alpha-token')).expect(200);
      await t.http.get('/jobs').set(bearer('beta-token')).expect(200);
    });

    it('leaves /health, /health/live, Swagger UI and the API document open', async () => {
      await t.http.get('/health/live').expect(200);
      await t.http.get('/api').expect(200);
      await t.http.get('/api-json').expect(200);
      const ready = await t.http.get('/health');
      expect([200, 503]).toContain(ready.status);
    });

    it('guards /metrics with its own token only', async () => {
      await t.http.get('/metrics').expect(401);
      await t.http.get('/metrics').set(bearer('alpha-token')).expect(401);
      await t.http.get('/metrics').set(bearer('metrics-token')).expect(200);
    });
  });

  it('sets security headers, and CORS only for the configured origin', async () => {
    const response = await t.http.get('/health/live').set('origin', 'https://dashboard.example');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['access-control-allow-origin']).toBe('https://dashboard.example');
    const other = await t.http.get('/health/live').set('origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  describe('logs', () => {
    it('writes JSON lines to LOG_FILE with the request id on the lines of a request, secrets redacted', async () => {
      const created = await t.http
        .post('/jobs')
        .set(bearer('beta-token'))
        .set('x-request-id', 'request-for-redaction')
        .send(
          makeJob({
            type: 'http',
            params: { url: 'http://127.0.0.1:9/x?key=query-secret', headers: { authorization: 'Bearer header-secret', 'x-api-key': 'key-secret' }, method: 'POST', body: { password: 'body-secret' } },
          }),
        )
        .expect(201);
      const lines = await waitFor(async () => {
        const found = logLines().filter((line) => JSON.stringify(line).includes('request-for-redaction'));
        return found.length >= 2 && found;
      });
      const audit = lines.find((line) => line.msg === 'job created');
      expect(audit).toMatchObject({ jobId: created.body.id, req: expect.objectContaining({ id: 'request-for-redaction' }) });
      expect((audit as { params: unknown }).params).toEqual({
        url: 'http://127.0.0.1:9/x?key=redacted',
        method: 'POST',
        headers: { authorization: '[redacted]', 'x-api-key': '[redacted]' },
        body: { password: '[redacted]' },
      });
      // The request's own line: at the default level its id, method and URL, and no headers at all.
      const completed = lines.find((line) => typeof line.msg === 'string' && line.msg.startsWith('POST /jobs 201'));
      expect(completed?.req).toEqual({ id: 'request-for-redaction', method: 'POST', url: '/jobs' });
      await t.http
        .patch(`/jobs/${created.body.id}`)
        .set(bearer('beta-token'))
        .send({ params: { url: 'https://ann:update-secret@example.com/', headers: { 'x-token': 'update-header-secret' } } })
        .expect(200);
      const updated = await waitFor(async () => logLines().find((line) => line.msg === 'job updated' && line.jobId === created.body.id));
      expect(updated.changes).toEqual({ params: { url: 'https://redacted@example.com/', headers: { 'x-token': '[redacted]' } } });
      const text = readFileSync(logFile, 'utf8');
      for (const secret of ['header-secret', 'key-secret', 'query-secret', 'body-secret', 'update-secret', 'update-header-secret', 'beta-token']) expect(text).not.toContain(secret);
    });

    it('tags every line of a run with its job id and run id', async () => {
      const { body: job } = await t.http
        .post('/jobs')
        .set(bearer('alpha-token'))
        .send(makeJob({ params: { message: 'line from the run' } }))
        .expect(201);
      const { body: run } = await t.http.post(`/jobs/${job.id}/run`).set(bearer('alpha-token')).expect(202);
      const line = await waitFor(async () => logLines().find((entry) => typeof entry.msg === 'string' && entry.msg.startsWith('line from the run')));
      expect(line).toMatchObject({ jobId: job.id, runId: run.id, attempt: 1 });
    });
  });

  it('exports metrics that move when requests are served and jobs run', async () => {
    const scrape = async () => (await t.http.get('/metrics').set(bearer('metrics-token')).expect(200)).text;
    const value = (text: string, series: string) => {
      const line = text.split('\n').find((entry) => entry.startsWith(`${series} `));
      return line ? Number(line.split(' ')[1]) : 0;
    };
    const runs = 'scheduler_job_runs_total{type="log",status="succeeded"}';
    const before = await scrape();
    expect(before).toContain('process_resident_memory_bytes');
    expect(before).toContain('scheduler_runs_in_flight');
    expect(before).toMatch(/scheduler_due_jobs \d+/);

    const { body: job } = await t.http.post('/jobs').set(bearer('alpha-token')).send(makeJob()).expect(201);
    await t.http.get(`/jobs/${job.id}`).set(bearer('alpha-token')).expect(200);
    await t.http.post(`/jobs/${job.id}/run`).set(bearer('alpha-token')).expect(202);
    const after = await waitFor(async () => {
      const text = await scrape();
      return value(text, runs) > value(before, runs) && text;
    });
    expect(value(after, 'http_requests_total{method="GET",route="/jobs/:id",status_code="200"}')).toBeGreaterThanOrEqual(1);
    expect(value(after, 'http_requests_total{method="GET",route="/jobs",status_code="401"}')).toBeGreaterThanOrEqual(1);
    expect(value(after, 'scheduler_lag_seconds_count{type="log"}')).toBeGreaterThan(value(before, 'scheduler_lag_seconds_count{type="log"}'));
    expect(value(after, 'scheduler_job_run_duration_seconds_count{type="log",status="succeeded"}')).toBeGreaterThanOrEqual(1);
  });
});
