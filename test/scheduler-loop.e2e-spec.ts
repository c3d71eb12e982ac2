import type { ConfigService } from '@nestjs/config';
import { Client } from 'pg';
import type { RunPublisher } from '../src/broker/run-publisher';
import type { Environment } from '../src/config/environment';
import { Metrics } from '../src/observability/metrics';
import { ClaimLoop } from '../src/scheduler/claim-loop';
import { InstanceIdentity } from '../src/scheduler/instance-identity';
import { LeaseKeeper } from '../src/scheduler/lease-keeper';
import { Rescuer } from '../src/scheduler/rescuer';
import { RunStore } from '../src/scheduler/run-store';
import { makeJob } from './support/factories';
import { LOOPBACK_HTTP_JOBS } from './support/loopback-http-jobs';
import { MovedClock } from './support/moved-clock';
import type { JobResponse, RunResponse } from '../src/api-client/api-types';
import { FINAL_STATUSES } from './support/scheduler-driver';
import { startSlowHttpServer, type SlowHttpServer } from './support/slow-http-server';
import { startTestApp, type TestApp } from './support/test-app';
import { withClient } from './support/test-server';
import { waitFor } from './support/wait-for';

const LEASE_MS = 5_000;

/*
 * The claim loop, the rescuer and the lease keeper driven through runOnce on a clock the test moves:
 * no timer of the scheduler fires (SCHEDULER_ENABLED=false), nothing sleeps, and no row is rewritten
 * to make it due. The clock starts a day ahead of the database's, so a statement that took the
 * database clock instead of the instance's would show.
 */
describe('the claim loop and the rescuer, on a moved clock', () => {
  const clock = new MovedClock();
  let t: TestApp;
  let slow: SlowHttpServer;
  let loop: ClaimLoop;
  let rescuer: Rescuer;
  let store: RunStore;
  let metrics: Metrics;
  const sql = <T extends object = Record<string, unknown>>(text: string, values: unknown[] = []) =>
    withClient(t.database.url, async (client) => (await client.query(text, values)).rows as T[]);

  beforeAll(async () => {
    clock.advance(86_400_000);
    slow = await startSlowHttpServer();
    t = await startTestApp(
      {
        ...LOOPBACK_HTTP_JOBS,
        SCHEDULER_ENABLED: 'false',
        SCHEDULER_BATCH_SIZE: '3',
        SCHEDULER_CONCURRENCY: '4',
        RUN_LEASE_MS: String(LEASE_MS),
      },
      { clock },
    );
    loop = t.app.get(ClaimLoop);
    rescuer = t.app.get(Rescuer);
    store = t.app.get(RunStore);
    metrics = t.app.get(Metrics);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await slow?.close();
  }, 60_000);
  beforeEach(() => sql('TRUNCATE jobs, job_runs RESTART IDENTITY CASCADE'));

  const createJob = async (overrides: Record<string, unknown> = {}): Promise<JobResponse> =>
    (await t.http.post('/jobs').send(makeJob({ schedule: '0 0 1 1 *', ...overrides })).expect(201)).body;

  /** Moves the clock one second past `at`. */
  const moveTo = (at: string | Date) => clock.advance(new Date(at).getTime() + 1_000 - clock.now().getTime());

  const runsOf = async (jobId: number): Promise<RunResponse[]> =>
    ((await t.http.get(`/jobs/${jobId}/runs?limit=100`).expect(200)).body.data as RunResponse[]).sort((a, b) => a.id - b.id);

  const finishedRuns = (jobId: number, count: number) =>
    waitFor(async () => {
      const runs = await runsOf(jobId);
      return runs.filter((run) => FINAL_STATUSES.includes(run.status)).length === count && runs;
    }, 15_000, `${count} finished runs of job ${jobId}`);

  const claimedHistogram = async () => {
    const values = (await metrics.claimedPerTick.get()).values;
    const read = (name: string) => values.find((value) => value.metricName === name)?.value ?? 0;
    return { sum: read('scheduler_tick_claimed_runs_sum'), count: read('scheduler_tick_claimed_runs_count') };
  };

  it('claims, starts and finishes a run by the moved clock: the database clock stamps nothing', async () => {
    const job = await createJob();
    await loop.runOnce();
    expect(await runsOf(job.id)).toEqual([]);

    moveTo(job.nextRun!);
    await loop.runOnce();
    const [run] = await finishedRuns(job.id, 1);
    const now = clock.now().getTime();
    expect(run).toMatchObject({ status: 'succeeded', scheduledFor: job.nextRun, attempt: 1 });
    const [started, finished] = [Date.parse(run.startedAt!), Date.parse(run.finishedAt!)];
    expect(started).toBeGreaterThan(Date.parse(job.nextRun!));
    expect(finished).toBeGreaterThanOrEqual(started);
    expect(finished).toBeLessThanOrEqual(now);
    expect(finished - started).toBeLessThan(10_000);
    const { body } = await t.http.get(`/jobs/${job.id}`).expect(200);
    expect(body).toMatchObject({ lastRun: run.startedAt, lastStatus: 'succeeded' });
  });

  it('starts a retry once its backoff has passed on the moved clock, and not before', async () => {
    const job = await createJob({ type: 'http', params: { url: `${slow.url}/status/500` }, maxAttempts: 2, retryBackoffMs: 60_000 });
    moveTo(job.nextRun!);
    await loop.runOnce();
    const [failed, pending] = await waitFor(async () => {
      const runs = await runsOf(job.id);
      return runs.length === 2 && runs;
    }, 15_000, 'the failed attempt and its retry');
    expect(failed).toMatchObject({ status: 'failed', attempt: 1 });
    expect(pending).toMatchObject({ status: 'retry_pending', attempt: 2 });
    expect(Date.parse(pending.runAt!) - Date.parse(failed.finishedAt!)).toBe(60_000);

    await loop.runOnce();
    expect((await runsOf(job.id))[1].status).toBe('retry_pending');
    moveTo(pending.runAt!);
    await loop.runOnce();
    const runs = await finishedRuns(job.id, 2);
    expect(runs.map((run) => [run.attempt, run.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
    expect(Date.parse(runs[1].startedAt!)).toBeGreaterThan(Date.parse(pending.runAt!));
  });

  it('abandons a run once its lease has expired on the moved clock, and the claim loop retries it here', async () => {
    const job = await createJob();
    moveTo(job.nextRun!);
    const [held] = (await store.claim(10, 'frozen')).runs;
    await rescuer.runOnce();
    expect((await runsOf(job.id)).map((run) => run.status)).toEqual(['running']);

    clock.advance(LEASE_MS + 1_000);
    await rescuer.runOnce();
    const [abandoned, retry] = await runsOf(job.id);
    expect(abandoned).toMatchObject({ id: held.id, status: 'abandoned', instanceId: 'frozen' });
    expect(Date.parse(abandoned.finishedAt!)).toBeGreaterThan(Date.parse(held.startedAt.toISOString()) + LEASE_MS);
    expect(retry).toMatchObject({ status: 'retry_pending', attempt: 2 });

    await loop.runOnce();
    const runs = await finishedRuns(job.id, 2);
    expect(runs[1]).toMatchObject({ attempt: 2, status: 'succeeded', instanceId: t.app.get(InstanceIdentity).id });
  });

  it('renews the lease of a run in flight by the moved clock, so the rescuer leaves it alone', async () => {
    const job = await createJob({ type: 'http', params: { url: `${slow.url}/delay/1500` } });
    moveTo(job.nextRun!);
    await loop.runOnce();
    clock.advance(LEASE_MS - 1_000);
    await t.app.get(LeaseKeeper).runOnce();
    clock.advance(LEASE_MS - 1_000);
    await rescuer.runOnce();
    const [run] = await finishedRuns(job.id, 1);
    expect(run.status).toBe('succeeded');
  });

  it('publishes again, in broker mode, a run queued for longer than QUEUED_REPUBLISH_MS on the moved clock', async () => {
    const job = await createJob();
    const [queued] = await sql<{ id: string }>(
      "INSERT INTO job_runs (job_id, scheduled_for, attempt, status, run_at) VALUES ($1, $2, 1, 'queued', $2) RETURNING id",
      [job.id, clock.now()],
    );
    const published: number[] = [];
    const publisher = { publish: async (ids: number[]) => void published.push(...ids), queueDepth: async () => 0 };
    const settings: Partial<Environment> = { EXECUTION_MODE: 'broker', QUEUED_REPUBLISH_MS: 30_000 };
    const config = { get: (key: keyof Environment) => settings[key] } as unknown as ConfigService<Environment, true>;
    const brokerRescuer = new Rescuer(store, publisher as unknown as RunPublisher, metrics, config);

    await brokerRescuer.runOnce();
    expect(published).toEqual([]);
    clock.advance(31_000);
    await brokerRescuer.runOnce();
    expect(published).toEqual([Number(queued.id)]);
    const [row] = await sql<{ run_at: Date }>('SELECT run_at FROM job_runs WHERE id = $1', [queued.id]);
    expect(Math.abs(row.run_at.getTime() - clock.now().getTime())).toBeLessThan(5_000);
  });

  it('claims while it has free slots and work is due, a batch at a time, then stops until a slot frees', async () => {
    const jobs = await Promise.all(Array.from({ length: 6 }, () => createJob({ type: 'http', params: { url: `${slow.url}/delay/1000` } })));
    moveTo(jobs[0].nextRun!);
    const before = await claimedHistogram();
    await loop.runOnce();
    // SCHEDULER_CONCURRENCY is 4 and SCHEDULER_BATCH_SIZE 3: claims of 3 and 1, then every slot is taken.
    expect(await sql('SELECT count(*)::int AS n FROM job_runs')).toEqual([{ n: 4 }]);
    expect(loop.waitingForSlots).toBe(true);
    expect(await claimedHistogram()).toEqual({ sum: before.sum + 4, count: before.count + 1 });

    await waitFor(async () => (await sql<{ n: number }>("SELECT count(*)::int AS n FROM job_runs WHERE status = 'succeeded'"))[0].n === 4, 15_000, 'the first four runs');
    await loop.runOnce();
    const perJob = await Promise.all(jobs.map((job) => finishedRuns(job.id, 1)));
    expect(perJob.map((runs) => runs.length)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('counts each claimed run once in scheduler_tick_claimed_runs when wake-ups share a pass', async () => {
    const jobs = [await createJob(), await createJob()];
    moveTo(jobs[0].nextRun!);
    const before = await claimedHistogram();
    await Promise.all([loop.runOnce(), loop.runOnce(), loop.runOnce()]);
    expect(await claimedHistogram()).toEqual({ sum: before.sum + 2, count: before.count + 1 });
    await Promise.all(jobs.map((job) => finishedRuns(job.id, 1)));
  });

  it('costs a loser one statement: the due job is locked by another instance’s claim', async () => {
    const job = await createJob();
    moveTo(job.nextRun!);
    await withClient(t.database.url, async (winner) => {
      await winner.query('BEGIN');
      await winner.query('SELECT id FROM jobs WHERE id = $1 FOR UPDATE', [job.id]);
      const query = jest.spyOn(Client.prototype, 'query');
      try {
        await loop.runOnce();
        const statements = query.mock.calls.map(([text]) => (typeof text === 'string' ? text : (text as { text: string }).text).trim());
        expect(statements.filter((text) => !/^(BEGIN|COMMIT)$/.test(text))).toEqual([expect.stringContaining('FOR UPDATE OF j SKIP LOCKED')]);
      } finally {
        query.mockRestore();
        await winner.query('ROLLBACK');
      }
    });
    expect(await runsOf(job.id)).toEqual([]);
  });
});
