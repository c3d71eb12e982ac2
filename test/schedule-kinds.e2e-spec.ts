import type { Client } from 'pg';
import { RunStore } from '../src/scheduler/run-store';
import { jitterDelay } from '../src/schedules/jittered-schedule';
import { makeJob } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { withClient } from './support/test-server';

const HOUR_MS = 3_600_000;

describe('jitter, catch-up and backfill', () => {
  let t: TestApp;
  let store: RunStore;
  const sql = <T extends object = Record<string, unknown>>(text: string, values: unknown[] = []) =>
    withClient(t.database.url, async (client: Client) => (await client.query(text, values)).rows as T[]);

  beforeAll(async () => {
    t = await startTestApp({ SCHEDULER_ENABLED: 'false' });
    store = t.app.get(RunStore);
  }, 120_000);
  afterAll(() => t?.close());
  beforeEach(() => sql('TRUNCATE jobs, job_runs, audit_entries RESTART IDENTITY CASCADE'));

  /** Claims until nothing is left due at `now`, as the claim loop does; answers the occurrences started, in claim order. */
  async function claimAll(now?: Date, batch = 100) {
    const started: string[] = [];
    for (;;) {
      const claim = await store.claim(batch, 'me', now);
      started.push(...claim.runs.map((run) => run.scheduledFor.toISOString()));
      if (claim.next) return started;
    }
  }

  describe('jitterMs', () => {
    it('delays the next run by a hash of the job and the occurrence, and the previews and the run agree', async () => {
      const { body: job } = await t.http.post('/jobs').send(makeJob({ schedule: '0 * * * *', jitterMs: 600_000 })).expect(201);
      expect(job.jitterMs).toBe(600_000);
      const nominal = new Date(Math.ceil(Date.now() / HOUR_MS) * HOUR_MS);
      const delay = jitterDelay(job.id, nominal, 600_000);
      expect(new Date(job.nextRun).getTime() - nominal.getTime()).toBe(delay);

      const { body: nextRuns } = await t.http.get(`/jobs/${job.id}/next-runs?count=3`).expect(200);
      expect(nextRuns[0]).toBe(job.nextRun);
      const from = new Date(new Date(job.nextRun).getTime() - 1).toISOString();
      const { body: preview } = await t.http
        .get('/schedules/preview')
        .query({ schedule: '0 * * * *', count: 3, from, seed: job.id, jitterMs: 600_000 })
        .expect(200);
      expect(preview).toEqual(nextRuns);

      await claimAll(new Date(job.nextRun));
      const [run] = await sql<{ scheduled_for: Date; started_at: Date }>('SELECT scheduled_for, started_at FROM job_runs WHERE job_id = $1', [job.id]);
      expect(run.scheduled_for.toISOString()).toBe(job.nextRun);
      const [after] = await sql<{ next_run: Date }>('SELECT next_run FROM jobs WHERE id = $1', [job.id]);
      expect(after.next_run.toISOString()).toBe(nextRuns[1]);
    });

    it('gives jobs sharing a schedule different delays', async () => {
      const jobs = [];
      for (let index = 0; index < 5; index += 1) jobs.push((await t.http.post('/jobs').send(makeJob({ schedule: '0 * * * *', jitterMs: 600_000 })).expect(201)).body);
      expect(new Set(jobs.map((job) => job.nextRun)).size).toBe(5);
    });

    it('moves the next run when jitterMs changes, and back to the occurrence at 0', async () => {
      const { body: job } = await t.http.post('/jobs').send(makeJob({ schedule: '0 * * * *' })).expect(201);
      const { body: jittered } = await t.http.patch(`/jobs/${job.id}`).send({ jitterMs: 600_000 }).expect(200);
      expect(new Date(jittered.nextRun).getTime() - new Date(job.nextRun).getTime()).toBe(jitterDelay(job.id, new Date(job.nextRun), 600_000));
      const { body: plain } = await t.http.patch(`/jobs/${job.id}`).send({ jitterMs: 0 }).expect(200);
      expect(plain.nextRun).toBe(job.nextRun);
    });

    it.each([
      [{ jitterMs: -1 }, 'jitterMs: must not be less than 0'],
      [{ jitterMs: 3_600_001 }, 'jitterMs: must not be greater than 3600000'],
      [{ jitterMs: 1.5 }, 'jitterMs: must be an integer number'],
      [{ jitterMs: '100' }, 'jitterMs: must be an integer number'],
    ])('refuses %j with 400 naming the field', async (fields, message) => {
      const { body } = await t.http.post('/jobs').send(makeJob(fields)).expect(400);
      expect(body.message).toBe(message);
      expect(await sql('SELECT id FROM jobs')).toEqual([]);
    });

    it('needs a seed in the preview of a jittered schedule', async () => {
      const { body } = await t.http.get('/schedules/preview').query({ schedule: '0 * * * *', jitterMs: 1000 }).expect(400);
      expect(body.fields).toEqual([{ field: 'seed', message: "is required with jitterMs: give the job's id, from which each delay derives" }]);
      await t.http.get('/schedules/preview').query({ schedule: '0 * * * *', jitterMs: 3_600_001, seed: 1 }).expect(400);
    });
  });

  describe('misfirePolicy run_all', () => {
    it('after an hour of downtime runs the oldest maxCatchUp missed occurrences, oldest first, each once, and moves the job past now', async () => {
      const { body: job } = await t.http.post('/jobs').send(makeJob({ schedule: '* * * * *', misfirePolicy: 'run_all', maxCatchUp: 5 })).expect(201);
      expect(job).toMatchObject({ misfirePolicy: 'run_all', maxCatchUp: 5 });
      await sql("UPDATE jobs SET next_run = date_trunc('minute', now()) - interval '1 hour' WHERE id = $1", [job.id]);
      const started = await claimAll(undefined, 1);
      expect(await claimAll()).toEqual([]);
      const runs = await sql<{ status: string; now: Date }>('SELECT status, now() FROM job_runs');
      const first = Math.floor(runs[0].now.getTime() / 60_000) * 60_000 - HOUR_MS;
      expect(started).toEqual([0, 1, 2, 3, 4].map((minute) => new Date(first + minute * 60_000).toISOString()));
      expect(runs.map((run) => run.status)).toEqual(['running', 'running', 'running', 'running', 'running']);
      const [after] = await sql<{ next_run: Date; now: Date }>('SELECT next_run, now() FROM jobs WHERE id = $1', [job.id]);
      expect(after.next_run.getTime()).toBeGreaterThan(after.now.getTime());
    });

    it('with overlapPolicy forbid and a run in flight, waits for it, then runs the missed occurrences one at a time, oldest first', async () => {
      const { body: job } = await t.http
        .post('/jobs')
        .send(makeJob({ schedule: '* * * * *', misfirePolicy: 'run_all', maxCatchUp: 3, overlapPolicy: 'forbid' }))
        .expect(201);
      await sql("UPDATE jobs SET next_run = date_trunc('minute', now()) - interval '1 hour' WHERE id = $1", [job.id]);
      await sql("INSERT INTO job_runs (job_id, scheduled_for, status, started_at) VALUES ($1, now() - interval '2 hours', 'running', now())", [job.id]);
      const finishRunning = () => sql("UPDATE job_runs SET status = 'succeeded', finished_at = now() WHERE job_id = $1 AND status = 'running'", [job.id]);
      const statuses = async () => (await sql<{ status: string }>('SELECT status FROM job_runs WHERE job_id = $1 ORDER BY scheduled_for', [job.id])).map((run) => run.status);

      expect(await claimAll()).toEqual([]);
      expect(await statuses()).toEqual(['running', 'retry_pending', 'retry_pending', 'retry_pending']);
      const [{ next_run: nextRun }] = await sql<{ next_run: Date }>('SELECT next_run FROM jobs WHERE id = $1', [job.id]);
      const missed = (await sql<{ scheduled_for: Date }>("SELECT scheduled_for FROM job_runs WHERE job_id = $1 AND status = 'retry_pending' ORDER BY scheduled_for", [job.id])).map(
        (run) => run.scheduled_for.toISOString(),
      );

      const started: string[][] = [];
      for (let turn = 0; turn < 3; turn += 1) {
        await finishRunning();
        started.push(await claimAll());
      }
      expect(started).toEqual(missed.map((occurrence) => [occurrence]));
      expect(await claimAll(new Date(nextRun.getTime() + 1000))).toEqual([]);
      expect(await statuses()).toEqual(['succeeded', 'succeeded', 'succeeded', 'running', 'skipped']);
    });

    it.each([
      [{ maxCatchUp: 0 }, 'maxCatchUp: must not be less than 1'],
      [{ maxCatchUp: 1001 }, 'maxCatchUp: must not be greater than 1000'],
      [{ misfirePolicy: 'run_every' }, 'misfirePolicy: must be one of the following values: run_once, skip, run_all'],
    ])('refuses %j with 400 naming the field', async (fields, message) => {
      const { body } = await t.http.post('/jobs').send(makeJob(fields)).expect(400);
      expect(body.message).toBe(message);
    });
  });

  describe('POST /jobs/:id/backfill', () => {
    const hoursAgo = (hours: number) => new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS - hours * HOUR_MS).toISOString();

    it("queues each occurrence of the range once, runs them oldest first, and a repeat queues nothing", async () => {
      const { body: job } = await t.http.post('/jobs').send(makeJob({ schedule: '0 * * * *' })).expect(201);
      const range = { from: hoursAgo(5), to: hoursAgo(1) };
      const { body: first } = await t.http.post(`/jobs/${job.id}/backfill`).send(range).expect(202);
      expect(first).toEqual({ occurrences: 4, queued: 4 });
      const { body: again } = await t.http.post(`/jobs/${job.id}/backfill`).send({ from: hoursAgo(6), to: hoursAgo(1) }).expect(202);
      expect(again).toEqual({ occurrences: 5, queued: 1 });

      expect(await claimAll(undefined, 1)).toEqual([6, 5, 4, 3, 2].map(hoursAgo));
      expect(await sql('SELECT DISTINCT status FROM job_runs')).toEqual([{ status: 'running' }]);

      const { body: changes } = await t.http.get(`/jobs/${job.id}/changes`).expect(200);
      expect(changes.data[0]).toMatchObject({ action: 'backfill', changes: [{ field: 'from', after: hoursAgo(6) }, { field: 'to', after: hoursAgo(1) }] });
    });

    it('refuses more than 1000 occurrences with 400 naming to, and queues nothing', async () => {
      const { body: job } = await t.http.post('/jobs').send(makeJob({ schedule: '* * * * *' })).expect(201);
      const { body } = await t.http.post(`/jobs/${job.id}/backfill`).send({ from: hoursAgo(24), to: hoursAgo(1) }).expect(400);
      expect(body.fields).toEqual([{ field: 'to', message: expect.stringContaining('more than 1000 occurrences') }]);
      expect(await sql('SELECT id FROM job_runs')).toEqual([]);
    });

    it.each([
      [{ from: 'yesterday', to: '2026-01-01T00:00:00Z' }, 'from'],
      [{ from: 1_700_000_000_000, to: '2026-01-01T00:00:00Z' }, 'from'],
      [{ to: '2026-01-01T00:00:00Z' }, 'from'],
      [{ from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'to'],
      [{ from: '2026-01-01T00:00:00Z', to: '2999-01-01T00:00:00Z' }, 'to'],
      [{ from: '0999-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'from'],
      [{ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', extra: 1 }, 'extra'],
    ])('refuses %j with 400 naming %s, and queues nothing', async (body, field) => {
      const { body: job } = await t.http.post('/jobs').send(makeJob()).expect(201);
      const { body: problem } = await t.http.post(`/jobs/${job.id}/backfill`).send(body).expect(400);
      expect(problem.fields.map((entry: { field: string }) => entry.field)).toContain(field);
      expect(await sql('SELECT id FROM job_runs')).toEqual([]);
    });

    it('answers 404 for a job that does not exist and 400 for a bad id', async () => {
      const range = { from: hoursAgo(2), to: hoursAgo(1) };
      await t.http.post('/jobs/999/backfill').send(range).expect(404);
      await t.http.post('/jobs/abc/backfill').send(range).expect(400);
    });
  });
});
