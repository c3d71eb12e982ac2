import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { SchedulerService } from '../src/scheduler/scheduler.service';
import { LOOPBACK_HTTP_JOBS } from './support/loopback-http-jobs';
import { FINAL_STATUSES, SchedulerDriver } from './support/scheduler-driver';
import { startSlowHttpServer, type SlowHttpServer } from './support/slow-http-server';
import { startTestApp, type TestApp } from './support/test-app';
import { withClient } from './support/test-server';
import { waitFor } from './support/wait-for';

const ms = (iso: string | null) => new Date(iso!).getTime();

/** A port on which nothing listens: bound, read and released again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/*
 * The cron tick is set to once a year, so nothing runs unless a test calls tick() itself (or
 * POST /jobs/:id/run wakes the scheduler). Jobs are scheduled yearly for the same reason: none
 * becomes due on its own while the file runs; a test makes one due by moving its nextRun back.
 */
describe('scheduler execution', () => {
  let t: TestApp;
  let server: SlowHttpServer;
  let scheduler: SchedulerService;
  let driver: SchedulerDriver;
  let echo: Server | undefined;

  beforeAll(async () => {
    server = await startSlowHttpServer();
    t = await startTestApp({
      ...LOOPBACK_HTTP_JOBS,
      SCHEDULER_ENABLED: 'true',
      SCHEDULER_TICK: '0 0 1 1 *',
      RUN_LEASE_MS: '3000',
      SHUTDOWN_GRACE_MS: '2000',
    });
    scheduler = t.app.get(SchedulerService);
    driver = new SchedulerDriver(t, scheduler);
  });
  afterAll(async () => {
    await t?.close();
    await server?.close();
    echo?.close();
  });

  const sql = (text: string, values: unknown[] = []) =>
    withClient(t.database.url, async (client) => (await client.query(text, values)).rows);
  const createJob = (overrides: Record<string, unknown>) => driver.createJob(overrides);
  const createDueJob = (overrides: Record<string, unknown>) => driver.createDueJob(overrides);
  const runsOf = (jobId: number) => driver.runsOf(jobId);
  const tickAndWaitForRuns = (jobId: number, count?: number, keepTicking?: boolean) =>
    driver.tickAndWaitForRuns(jobId, count, keepTicking);

  describe('http jobs', () => {
    it('succeeds on a 2xx answer and records the status and body as output', async () => {
      const job = await createDueJob({ type: 'http', params: { url: `${server.url}/hello` } });
      const [run] = await tickAndWaitForRuns(job.id);
      expect(run).toMatchObject({ status: 'succeeded', attempt: 1, error: null, instanceId: expect.any(String) });
      expect(JSON.parse(run.output!)).toEqual({ status: 200, body: 'answered /hello' });
      expect(server.hits.get('/hello')).toBe(1);
      expect(run.durationMs).toBeGreaterThanOrEqual(0);
      expect(ms(run.finishedAt)).toBeGreaterThanOrEqual(ms(run.startedAt));
    });

    it('fails on an error status, naming the status in the error', async () => {
      const job = await createDueJob({ type: 'http', params: { url: `${server.url}/status/500` } });
      const [run] = await tickAndWaitForRuns(job.id);
      expect(run.status).toBe('failed');
      expect(run.error).toContain('HTTP 500');
      expect(run.error).toContain('expected 2xx');
      expect(run.output).toBeNull();
    });

    it('succeeds on a status listed in expectedStatus, even a 500', async () => {
      const job = await createDueJob({ type: 'http', params: { url: `${server.url}/status/500`, expectedStatus: [500] } });
      const [run] = await tickAndWaitForRuns(job.id);
      expect(run.status).toBe('succeeded');
      expect(JSON.parse(run.output!)).toEqual({ status: 500, body: 'answered /status/500' });
    });

    it('fails a 200 that expectedStatus does not list', async () => {
      const job = await createDueJob({ type: 'http', params: { url: `${server.url}/status/200`, expectedStatus: [201, 204] } });
      const [run] = await tickAndWaitForRuns(job.id);
      expect(run.status).toBe('failed');
      expect(run.error).toContain('HTTP 200 (expected 201, 204)');
    });

    it('sends the method, headers and JSON body of its params', async () => {
      const received = new Promise<{ method?: string; headers: Record<string, unknown>; body: string }>((resolve) => {
        echo = createHttpServer((request, response) => {
          let body = '';
          request.on('data', (chunk: Buffer) => (body += chunk.toString()));
          request.on('end', () => {
            response.end('ok');
            resolve({ method: request.method, headers: request.headers, body });
          });
        });
      });
      await new Promise<void>((resolve) => echo!.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(echo!.address() as AddressInfo).port}/hook`;
      const job = await createDueJob({
        type: 'http',
        params: { url, method: 'POST', headers: { 'x-token': 'secret' }, body: { hello: 'world' } },
      });
      const [run] = await tickAndWaitForRuns(job.id);
      expect(run.status).toBe('succeeded');
      const request = await received;
      expect(request.method).toBe('POST');
      expect(request.headers).toMatchObject({ 'x-token': 'secret', 'content-type': 'application/json' });
      expect(JSON.parse(request.body)).toEqual({ hello: 'world' });
    });

    it('ends timed_out when the answer takes longer than timeoutMs, long before the answer comes', async () => {
      const job = await createDueJob({ type: 'http', params: { url: `${server.url}/delay/3000` }, timeoutMs: 300 });
      const ticked = Date.now();
      const [run] = await tickAndWaitForRuns(job.id);
      expect(Date.now() - ticked).toBeLessThan(2_500);
      expect(run.status).toBe('timed_out');
      expect(run.error).toBe('timed out after 300 ms');
      expect(run.durationMs).toBeGreaterThanOrEqual(290);
      expect(run.durationMs).toBeLessThan(2_000);
      expect(ms(run.finishedAt) - ms(run.startedAt)).toBeLessThan(2_000);
      expect((await t.http.get(`/jobs/${job.id}`)).body.lastStatus).toBe('timed_out');
    });

    it('fails when the connection is refused, saying so in the error', async () => {
      const port = await closedPort();
      const job = await createDueJob({ type: 'http', params: { url: `http://127.0.0.1:${port}/hook` } });
      const [run] = await tickAndWaitForRuns(job.id);
      expect(run.status).toBe('failed');
      // "fetch failed" alone does not tell an operator what went wrong; the cause must be in the error.
      expect(run.error).toMatch(/ECONNREFUSED/);
    });
  });

  describe('log jobs', () => {
    it('succeed with the message as output', async () => {
      const job = await createDueJob({ type: 'log', params: { message: 'nightly report sent' } });
      const [run] = await tickAndWaitForRuns(job.id);
      expect(run).toMatchObject({ status: 'succeeded', output: 'nightly report sent', error: null });
    });

    it("use the job's name as the message by default", async () => {
      const job = await createDueJob({ type: 'log' });
      const [run] = await tickAndWaitForRuns(job.id);
      expect(run).toMatchObject({ status: 'succeeded', output: job.name });
    });
  });

  describe('retries', () => {
    it('retries a failing run up to maxAttempts with exponential backoff, then stops', async () => {
      const path = `/status/500?job=retries`;
      const job = await createDueJob({
        type: 'http',
        params: { url: `${server.url}${path}` },
        maxAttempts: 3,
        retryBackoffMs: 300,
      });
      const runs = await tickAndWaitForRuns(job.id, 3, true);
      expect(runs.map((run) => [run.attempt, run.status])).toEqual([
        [1, 'failed'],
        [2, 'failed'],
        [3, 'failed'],
      ]);
      expect(new Set(runs.map((run) => run.scheduledFor)).size).toBe(1);
      expect(runs[0].runAt).toBeNull();

      // Each retry is due retryBackoffMs * 2^(attempt - 2) after the previous attempt finished...
      const due1 = ms(runs[1].runAt) - ms(runs[0].finishedAt);
      const due2 = ms(runs[2].runAt) - ms(runs[1].finishedAt);
      expect(due1).toBeGreaterThanOrEqual(299);
      expect(due1).toBeLessThan(450);
      expect(due2).toBeGreaterThanOrEqual(599);
      expect(due2).toBeLessThan(900);
      // ...and does not start before then.
      const gap1 = ms(runs[1].startedAt) - ms(runs[0].finishedAt);
      const gap2 = ms(runs[2].startedAt) - ms(runs[1].finishedAt);
      expect(ms(runs[1].startedAt)).toBeGreaterThanOrEqual(ms(runs[1].runAt));
      expect(ms(runs[2].startedAt)).toBeGreaterThanOrEqual(ms(runs[2].runAt));
      expect(gap1).toBeGreaterThanOrEqual(299);
      expect(gap2).toBeGreaterThanOrEqual(599);
      expect(gap2).toBeGreaterThan(gap1);
      expect(server.hits.get(path)).toBe(3);

      // No fourth attempt, however often the scheduler ticks.
      for (let i = 0; i < 3; i += 1) await scheduler.tick();
      expect(await runsOf(job.id)).toHaveLength(3);
      const pending = await sql("SELECT id FROM job_runs WHERE job_id = $1 AND status = 'retry_pending'", [job.id]);
      expect(pending).toHaveLength(0);
      expect((await t.http.get(`/jobs/${job.id}`)).body.lastStatus).toBe('failed');
    });

    it('starts a retry after its backoff without any tick: the retry it schedules wakes the scheduler', async () => {
      const job = await createDueJob({ type: 'http', params: { url: `${server.url}/status/500?job=woken` }, maxAttempts: 2, retryBackoffMs: 500 });
      await scheduler.tick();
      const runs = await driver.waitForRuns(job.id, 2);
      const gap = ms(runs[1].startedAt) - ms(runs[0].finishedAt);
      expect(gap).toBeGreaterThanOrEqual(499);
      expect(gap).toBeLessThan(10_000);
    });

    it('stops retrying once an attempt succeeds, and the job ends succeeded', async () => {
      const path = `/fail-first/1/${Date.now()}`;
      const job = await createDueJob({ type: 'http', params: { url: `${server.url}${path}` }, maxAttempts: 3, retryBackoffMs: 100 });
      const runs = await tickAndWaitForRuns(job.id, 2, true);
      expect(runs.map((run) => [run.attempt, run.status])).toEqual([
        [1, 'failed'],
        [2, 'succeeded'],
      ]);
      expect(runs[0].error).toContain('HTTP 500');
      expect(JSON.parse(runs[1].output!)).toMatchObject({ status: 200 });
      expect(runs[1].scheduledFor).toBe(runs[0].scheduledFor);
      for (let i = 0; i < 3; i += 1) await scheduler.tick();
      expect(await runsOf(job.id)).toHaveLength(2);
      const { body: after } = await t.http.get(`/jobs/${job.id}`).expect(200);
      expect(after.lastStatus).toBe('succeeded');
      expect(after.lastRun).toBe(runs[1].startedAt);
    });

    it('retries a timed-out run while attempts remain', async () => {
      const job = await createDueJob({
        type: 'http',
        params: { url: `${server.url}/delay/3000` },
        timeoutMs: 200,
        maxAttempts: 2,
        retryBackoffMs: 50,
      });
      const runs = await tickAndWaitForRuns(job.id, 2, true);
      expect(runs.map((run) => [run.attempt, run.status, run.error])).toEqual([
        [1, 'timed_out', 'timed out after 200 ms'],
        [2, 'timed_out', 'timed out after 200 ms'],
      ]);
      expect(runs[1].scheduledFor).toBe(runs[0].scheduledFor);
      expect(ms(runs[1].runAt) - ms(runs[0].finishedAt)).toBeGreaterThanOrEqual(49);
    });

    it('does not retry a job whose maxAttempts is 1', async () => {
      const job = await createDueJob({ type: 'http', params: { url: `${server.url}/status/503` }, retryBackoffMs: 0 });
      await tickAndWaitForRuns(job.id, 1);
      for (let i = 0; i < 3; i += 1) await scheduler.tick();
      expect((await runsOf(job.id)).map((run) => [run.attempt, run.status])).toEqual([[1, 'failed']]);
    });
  });

  describe('the job after a run', () => {
    it('has lastRun at the start of the run, lastStatus its outcome and nextRun at the following occurrence', async () => {
      const job = await createDueJob({ type: 'log', schedule: '0 9 * * *' });
      const [run] = await tickAndWaitForRuns(job.id);
      const { body: after } = await t.http.get(`/jobs/${job.id}`).expect(200);
      expect(after.lastRun).toBe(run.startedAt);
      expect(after.lastStatus).toBe('succeeded');
      // The next 09:00 UTC strictly after the occurrence that ran.
      const expected = new Date(run.scheduledFor);
      expected.setUTCHours(9, 0, 0, 0);
      if (expected.getTime() <= ms(run.scheduledFor)) expected.setUTCDate(expected.getUTCDate() + 1);
      expect(after.nextRun).toBe(expected.toISOString());
      expect(ms(after.nextRun)).toBeGreaterThan(Date.now());
    });

    it('has lastStatus failed after a failed run', async () => {
      const job = await createDueJob({ type: 'http', params: { url: `${server.url}/status/404` } });
      const [run] = await tickAndWaitForRuns(job.id);
      const { body: after } = await t.http.get(`/jobs/${job.id}`).expect(200);
      expect(after).toMatchObject({ lastStatus: 'failed', lastRun: run.startedAt });
    });

    it('runs a due occurrence once, however many ticks follow', async () => {
      const job = await createDueJob({ type: 'log' });
      await tickAndWaitForRuns(job.id, 1);
      for (let i = 0; i < 3; i += 1) await scheduler.tick();
      expect(await runsOf(job.id)).toHaveLength(1);
    });

    it('does not run a job that is not due', async () => {
      const job = await createJob({ type: 'log' });
      await scheduler.tick();
      await scheduler.tick();
      expect(await runsOf(job.id)).toHaveLength(0);
      expect((await t.http.get(`/jobs/${job.id}`)).body).toMatchObject({ lastRun: null, lastStatus: null, nextRun: job.nextRun });
    });
  });

  describe('POST /jobs/:id/run', () => {
    it('answers 202 with the new run, which then succeeds without a tick, leaving nextRun alone', async () => {
      const job = await createJob({ type: 'log', params: { message: 'run by hand' } });
      const response = await t.http.post(`/jobs/${job.id}/run`).expect(202);
      expect(response.body).toMatchObject({ id: expect.any(Number), jobId: job.id, attempt: 1, finishedAt: null });
      const run = await waitFor(
        async () => {
          const runs = await runsOf(job.id);
          return runs.length === 1 && FINAL_STATUSES.includes(runs[0].status) && runs[0];
        },
        5_000,
        'the triggered run to finish',
      );
      expect(run).toMatchObject({ id: response.body.id, status: 'succeeded', output: 'run by hand', attempt: 1 });
      const { body: after } = await t.http.get(`/jobs/${job.id}`).expect(200);
      expect(after).toMatchObject({ nextRun: job.nextRun, lastStatus: 'succeeded', lastRun: run.startedAt });
    });

    it('answers with the run as it was queued, before any instance starts it', async () => {
      // The scheduler is woken by the request itself; each answer must still be the pending run,
      // not whatever state the run reached while the answer was being built. Several tries, since
      // that is a race.
      const job = await createJob({ type: 'log' });
      for (let i = 1; i <= 10; i += 1) {
        const { body: run } = await t.http.post(`/jobs/${job.id}/run`).expect(202);
        expect(run).toMatchObject({ jobId: job.id, attempt: 1, status: 'retry_pending', startedAt: null, instanceId: null });
        expect(ms(run.runAt)).toBeLessThanOrEqual(Date.now() + 1_000);
        await driver.waitForRuns(job.id, i);
      }
    });

    it('runs an inactive job, whose nextRun stays null', async () => {
      const job = await createJob({ type: 'log', isActive: false });
      expect(job.nextRun).toBeNull();
      const { body: pending } = await t.http.post(`/jobs/${job.id}/run`).expect(202);
      const run = await waitFor(
        async () => {
          const runs = await runsOf(job.id);
          return runs.length === 1 && FINAL_STATUSES.includes(runs[0].status) && runs[0];
        },
        5_000,
        'the triggered run to finish',
      );
      expect(run).toMatchObject({ id: pending.id, status: 'succeeded' });
      const { body: after } = await t.http.get(`/jobs/${job.id}`).expect(200);
      expect(after).toMatchObject({ isActive: false, nextRun: null, lastStatus: 'succeeded' });
    });

    /**
     * Requests for one job held up behind a lock, as under load, so that they reach the database
     * together when it is released.
     */
    async function triggerTogether(jobId: number, count: number) {
      return withClient(t.database.url, async (client) => {
        await client.query('BEGIN');
        await client.query('LOCK TABLE job_runs IN EXCLUSIVE MODE');
        const requests = Promise.all(Array.from({ length: count }, () => t.http.post(`/jobs/${jobId}/run`)));
        await waitFor(
          async () => {
            const { rows } = await client.query(
              "SELECT count(*)::int AS waiting FROM pg_locks WHERE relation = 'job_runs'::regclass AND NOT granted",
            );
            return rows[0].waiting >= count;
          },
          5_000,
          `${count} requests to wait for the lock`,
        );
        await client.query('COMMIT');
        return requests;
      });
    }

    it('starts one run per request when requests for the same job arrive together', async () => {
      const job = await createJob({ type: 'log' });
      // As many as the scheduler's pool lets wait at once (SCHEDULER_POOL_SIZE, 4 by default), a few times over.
      const rounds = 5;
      const perRound = 4;
      for (let round = 0; round < rounds; round += 1) {
        const responses = await triggerTogether(job.id, perRound);
        expect(responses.map((response) => [response.status, response.body.message])).toEqual(
          Array(perRound).fill([202, undefined]),
        );
      }
      const runs = await waitFor(
        async () => {
          const all = await runsOf(job.id);
          return all.length === rounds * perRound && all.every((run) => run.status === 'succeeded') && all;
        },
        5_000,
        `${rounds * perRound} triggered runs to succeed`,
      );
      expect(new Set(runs.map((run) => run.scheduledFor)).size).toBe(rounds * perRound);
    });

    it('answers 409 for a job whose overlapPolicy is forbid while one of its runs is in flight, and queues nothing', async () => {
      const job = await createJob({ type: 'log', overlapPolicy: 'forbid' });
      await sql("INSERT INTO job_runs (job_id, scheduled_for, status, instance_id, started_at) VALUES ($1, now(), 'running', 'elsewhere', now())", [job.id]);
      const { body } = await t.http.post(`/jobs/${job.id}/run`).expect(409);
      expect(body.message).toMatch(/overlapPolicy/);
      expect(body.message).toMatch(/in flight/);
      expect(await runsOf(job.id)).toHaveLength(1);
    });

    it('answers exactly one of simultaneous run-nows of a forbid job with 202 and the others 409', async () => {
      for (let round = 0; round < 5; round += 1) {
        // A run that stays in flight for seconds: no 202 may come from a request after it finished.
        const job = await createJob({ type: 'http', params: { url: `${server.url}/delay/3000` }, overlapPolicy: 'forbid' });
        const responses = await Promise.all(Array.from({ length: 8 }, () => t.http.post(`/jobs/${job.id}/run`)));
        expect(responses.map((response) => response.status).sort()).toEqual([202, 409, 409, 409, 409, 409, 409, 409]);
        expect(await runsOf(job.id)).toHaveLength(1);
      }
    });

    it('answers 404 for a job that does not exist and 400 for a bad id', async () => {
      const missing = await t.http.post('/jobs/999999/run').expect(404);
      expect(missing.body.message).toBe('job 999999 does not exist');
      const bad = await t.http.post('/jobs/abc/run').expect(400);
      expect(bad.body.message).toContain('id: must be a positive integer');
      await t.http.post('/jobs/0/run').expect(400);
    });
  });
});
