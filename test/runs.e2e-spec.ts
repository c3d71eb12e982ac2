import { makeJob } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { withClient } from './support/test-server';
import { waitFor } from './support/wait-for';

describe('runs API', () => {
  let t: TestApp;
  let alpha: { id: number; name: string };
  let beta: { id: number; name: string };

  const insertRuns = (jobId: number, runs: { scheduledFor: string; status: string; durationMs?: number }[]) =>
    withClient(t.database.url, async (client) => {
      for (const run of runs) {
        await client.query('INSERT INTO job_runs (job_id, scheduled_for, status, duration_ms) VALUES ($1, $2, $3, $4)', [
          jobId,
          run.scheduledFor,
          run.status,
          run.durationMs ?? null,
        ]);
      }
    });

  beforeAll(async () => {
    t = await startTestApp();
    alpha = (await t.http.post('/jobs').send(makeJob({ isActive: false })).expect(201)).body;
    beta = (await t.http.post('/jobs').send(makeJob({ isActive: false })).expect(201)).body;
    await insertRuns(alpha.id, [
      { scheduledFor: '2025-12-31T09:00:00Z', status: 'timed_out' },
      { scheduledFor: '2026-01-01T09:00:00Z', status: 'succeeded', durationMs: 10 },
      { scheduledFor: '2026-01-02T09:00:00Z', status: 'failed', durationMs: 20 },
    ]);
    await insertRuns(beta.id, [
      { scheduledFor: '2026-01-02T10:00:00Z', status: 'failed' },
      { scheduledFor: '2026-01-03T09:00:00Z', status: 'succeeded' },
    ]);
  });
  afterAll(() => t.close());

  describe('GET /runs', () => {
    it('lists the runs of every job newest first, each with its job name', async () => {
      const { body } = await t.http.get('/runs').expect(200);
      expect(body).toMatchObject({ total: 5, limit: 20, offset: 0 });
      expect(body.data.map((run: { jobName: string; scheduledFor: string }) => [run.jobName, run.scheduledFor])).toEqual([
        [beta.name, '2026-01-03T09:00:00.000Z'],
        [beta.name, '2026-01-02T10:00:00.000Z'],
        [alpha.name, '2026-01-02T09:00:00.000Z'],
        [alpha.name, '2026-01-01T09:00:00.000Z'],
        [alpha.name, '2025-12-31T09:00:00.000Z'],
      ]);
    });

    it('filters by status across jobs', async () => {
      const { body } = await t.http.get('/runs?status=failed').expect(200);
      expect(body.total).toBe(2);
      expect(body.data.map((run: { jobId: number }) => run.jobId)).toEqual([beta.id, alpha.id]);
    });

    it('filters by several statuses at once', async () => {
      const { body } = await t.http.get('/runs?status=failed,timed_out&from=2025-12-31T00:00:00Z&to=2026-01-01T00:00:00Z').expect(200);
      expect(body.data.map((run: { status: string }) => run.status)).toEqual(['timed_out']);
      const all = await t.http.get('/runs?status=failed,timed_out').expect(200);
      expect(all.body.data.map((run: { status: string }) => run.status).sort()).toEqual(['failed', 'failed', 'timed_out']);
    });

    it('filters by job', async () => {
      const { body } = await t.http.get(`/runs?jobId=${alpha.id}`).expect(200);
      expect(body.data.map((run: { jobId: number }) => run.jobId)).toEqual([alpha.id, alpha.id, alpha.id]);
    });

    it('filters by a time range on the occurrence, from inclusive and to exclusive', async () => {
      const { body } = await t.http.get('/runs?from=2026-01-02T09:00:00Z&to=2026-01-03T09:00:00Z').expect(200);
      expect(body.data.map((run: { scheduledFor: string }) => run.scheduledFor)).toEqual(['2026-01-02T10:00:00.000Z', '2026-01-02T09:00:00.000Z']);
    });

    it('pages with limit and offset and counts over all pages', async () => {
      const { body } = await t.http.get('/runs?limit=1&offset=1').expect(200);
      expect(body).toMatchObject({ total: 5, limit: 1, offset: 1 });
      expect(body.data).toHaveLength(1);
      expect(body.data[0].scheduledFor).toBe('2026-01-02T10:00:00.000Z');
    });

    it.each([
      ['status=broken', 'status'],
      ['status=failed,nope', 'status'],
      ['jobId=abc', 'jobId'],
      ['jobId=0', 'jobId'],
      ['from=yesterday', 'from'],
      ['to=2026-13-01', 'to'],
      ['from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
      ['limit=0', 'limit'],
      ['offset=-1', 'offset'],
      ['color=red', 'color'],
    ])('refuses %s with a 400 naming %s', async (query, field) => {
      const { body } = await t.http.get(`/runs?${query}`).expect(400);
      expect(body.fields.map((problem: { field: string }) => problem.field)).toContain(field);
    });
  });

  it('reports a durationMs of the job alone, within finishedAt − startedAt, which also counts the claim and the recording', async () => {
    const { body: job } = await t.http.post('/jobs').send(makeJob({ isActive: false })).expect(201);
    await t.http.post(`/jobs/${job.id}/run`).expect(202);
    const run = await waitFor(async () => {
      const { body } = await t.http.get(`/runs?jobId=${job.id}&status=succeeded`).expect(200);
      return body.data[0] as { startedAt: string; finishedAt: string; durationMs: number } | undefined;
    }, 30_000, 'the run to succeed');
    const wall = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
    // Both instants are stored to the millisecond: one of rounding.
    expect(run.durationMs).toBeLessThanOrEqual(wall + 1);
  });

  describe('GET /runs/recent', () => {
    it('answers the latest runs of each job asked for, newest first, in the order asked', async () => {
      const { body } = await t.http.get(`/runs/recent?jobIds=${beta.id},${alpha.id},999999&count=1`).expect(200);
      expect(body).toEqual([
        { jobId: beta.id, runs: [{ id: expect.any(Number), status: 'succeeded', scheduledFor: '2026-01-03T09:00:00.000Z', startedAt: null, durationMs: null }] },
        { jobId: alpha.id, runs: [{ id: expect.any(Number), status: 'failed', scheduledFor: '2026-01-02T09:00:00.000Z', startedAt: null, durationMs: 20 }] },
        { jobId: 999999, runs: [] },
      ]);
    });

    it('answers 20 runs per job by default', async () => {
      await insertRuns(
        beta.id,
        Array.from({ length: 25 }, (_, day) => ({ scheduledFor: `2026-02-${String(day + 1).padStart(2, '0')}T00:00:00Z`, status: 'succeeded' })),
      );
      const { body } = await t.http.get(`/runs/recent?jobIds=${beta.id}`).expect(200);
      expect(body[0].runs).toHaveLength(20);
      expect(body[0].runs[0].scheduledFor).toBe('2026-02-25T00:00:00.000Z');
    });

    it.each([
      ['', 'jobIds'],
      ['jobIds=1,x', 'jobIds'],
      ['jobIds=0', 'jobIds'],
      [`jobIds=${Array.from({ length: 101 }, (_, i) => i + 1).join(',')}`, 'jobIds'],
      ['jobIds=1&count=51', 'count'],
    ])('refuses %s with a 400 naming %s', async (query, field) => {
      const { body } = await t.http.get(`/runs/recent?${query}`).expect(400);
      expect(body.fields.map((problem: { field: string }) => problem.field)).toContain(field);
    });
  });
});
