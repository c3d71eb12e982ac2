import { Client } from 'pg';
import { DUE_CHANNEL } from '../src/due-notices/due-notice';
import { Metrics } from '../src/observability/metrics';
import { JobsRepository } from '../src/jobs/jobs.repository';
import { RunStore } from '../src/scheduler/run-store';
import { startTestApp, type TestApp } from './support/test-app';
import { withClient } from './support/test-server';
import { waitFor } from './support/wait-for';

describe('the claim, against PostgreSQL', () => {
  let t: TestApp;
  let store: RunStore;
  let enqueueManual: (jobId: number) => ReturnType<JobsRepository['enqueueManualRun']>;
  const sql = <T extends object = Record<string, unknown>>(text: string, values: unknown[] = []) =>
    withClient(t.database.url, async (client: Client) => (await client.query(text, values)).rows as T[]);

  beforeAll(async () => {
    t = await startTestApp({ SCHEDULER_ENABLED: 'false', SCHEDULER_POOL_SIZE: '8', RUN_LEASE_MS: '5000' });
    store = t.app.get(RunStore);
    const jobs = t.app.get(JobsRepository);
    enqueueManual = (jobId) => jobs.enqueueManualRun(jobId, async () => undefined);
  });
  afterAll(() => t.close());
  beforeEach(() => sql('TRUNCATE jobs, job_runs, alert_deliveries RESTART IDENTITY CASCADE'));

  /** Inserts jobs directly; `next_run` is an SQL expression evaluated by the database. */
  async function insertJobs(count: number, fields: { schedule?: string; nextRun?: string; extra?: string } = {}) {
    const rows = await sql<{ id: number }>(
      `INSERT INTO jobs (name, schedule, next_run, updated_at ${fields.extra ? `, ${fields.extra.split('=')[0]}` : ''})
       SELECT 'job ' || gen_random_uuid(), $1, ${fields.nextRun ?? "now() - interval '1 second'"}, now() ${fields.extra ? `, ${fields.extra.split('=')[1]}` : ''}
         FROM generate_series(1, $2) g
       RETURNING id`,
      [fields.schedule ?? '0 0 1 1 *', count],
    );
    return rows.map((row) => row.id);
  }

  async function claimUntilEmpty(instanceId: string, batch = 50) {
    const claimed: number[] = [];
    for (;;) {
      const { selected, runs } = await store.claim(batch, instanceId);
      claimed.push(...runs.map((run) => run.jobId));
      if (selected === 0) return claimed;
    }
  }

  it('never gives one due occurrence to two claimers racing for the same rows', async () => {
    const ids = await insertJobs(300);
    const claimers = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => claimUntilEmpty(`claimer-${n}`, 25)));
    const all = claimers.flat();
    expect(all).toHaveLength(300);
    expect(new Set(all)).toEqual(new Set(ids));
    expect(claimers.filter((claimed) => claimed.length > 0).length).toBeGreaterThan(1);
    const perJob = await sql<{ runs: string }>('SELECT count(*) AS runs FROM job_runs GROUP BY job_id');
    expect(perJob.every((row) => row.runs === '1')).toBe(true);
  });

  it('claims the other due jobs when one job\'s next occurrence cannot be computed, and shows the reason on that job', async () => {
    const [broken] = await insertJobs(1, { extra: "timezone='Mars/Olympus'" });
    const fine = await insertJobs(3);
    const metrics = t.app.get(Metrics);
    const errorsBefore = (await metrics.scheduleErrors.get()).values[0]?.value ?? 0;
    const claimed = await claimUntilEmpty('me');
    expect(claimed.sort()).toEqual([broken, ...fine].sort());
    const [job] = await sql<{ next_run: Date | null; schedule_error: string | null }>('SELECT next_run, schedule_error FROM jobs WHERE id = $1', [broken]);
    expect(job).toEqual({ next_run: null, schedule_error: expect.stringContaining('Mars/Olympus') });
    expect(await sql('SELECT count(*)::int AS n FROM jobs WHERE next_run IS NOT NULL AND schedule_error IS NULL')).toEqual([{ n: 3 }]);
    expect((await metrics.scheduleErrors.get()).values[0].value).toBe(errorsBefore + 1);
    const { body } = await t.http.get(`/jobs/${broken}`).expect(200);
    expect(body).toMatchObject({ nextRun: null, scheduleError: expect.stringContaining('Mars/Olympus') });
  });

  it('never claims a job that is not due or not active', async () => {
    await insertJobs(3, { nextRun: "now() + interval '1 minute'" });
    await insertJobs(3, { extra: 'is_active=false' });
    expect(await store.claim(100, 'me')).toMatchObject({ selected: 0, runs: [] });
    expect(await sql('SELECT * FROM job_runs')).toEqual([]);
  });

  it('claims nothing while the scheduler is paused, and arms no timer until the resume wakes it', async () => {
    const [jobId] = await insertJobs(1);
    await insertJobs(1, { nextRun: "now() + interval '1 minute'" });
    await enqueueManual(jobId);
    await sql('INSERT INTO scheduler_state (id, paused) VALUES (1, true)');
    try {
      const paused = await store.claim(100, 'me');
      expect(paused).toMatchObject({ selected: 0, runs: [], next: { at: null } });
      await sql('UPDATE scheduler_state SET paused = false');
      expect((await store.claim(100, 'me')).selected).toBe(2);
    } finally {
      await sql('DELETE FROM scheduler_state');
    }
  });

  it('records the run under this instance with a lease, and the job its lastRun, lastStatus and next occurrence', async () => {
    const [id] = await insertJobs(1, { schedule: '*/10 * * * * *', nextRun: "date_trunc('second', now()) - interval '1 second'" });
    const { runs } = await store.claim(10, 'instance-x');
    expect(runs).toHaveLength(1);
    const [run] = await sql<{ instance_id: string; status: string; started_at: Date; lease_expires_at: Date; attempt: number }>(
      'SELECT * FROM job_runs',
    );
    expect(run).toMatchObject({ instance_id: 'instance-x', status: 'running', attempt: 1 });
    expect(run.lease_expires_at.getTime() - run.started_at.getTime()).toBe(5000);
    const [job] = await sql<{ last_run: Date; last_status: string; next_run: Date }>('SELECT * FROM jobs WHERE id = $1', [id]);
    expect(job.last_run).toEqual(run.started_at);
    expect(job.last_status).toBe('running');
    expect(job.next_run.getTime()).toBeGreaterThan(runs[0].scheduledFor.getTime());
    expect(job.next_run.getUTCSeconds() % 10).toBe(0);
  });

  it('records a skipped run for a forbid job whose previous run is still running', async () => {
    const [id] = await insertJobs(1, { schedule: '* * * * * *', extra: "overlap_policy='forbid'" });
    await store.claim(10, 'me');
    await sql("UPDATE jobs SET next_run = now() - interval '1 second' WHERE id = $1", [id]);
    const second = await store.claim(10, 'me');
    expect(second.runs).toEqual([]);
    const runs = await sql<{ status: string; error: string | null }>('SELECT status, error FROM job_runs ORDER BY id');
    expect(runs.map((run) => run.status)).toEqual(['running', 'skipped']);
    expect(runs[1].error).toMatch(/previous run was still running/);
  });

  it.each([
    ['run_once', 1],
    ['skip', 0],
  ])('after an hour of downtime, misfirePolicy %s gives %i catch-up runs and moves the job past now', async (policy, expected) => {
    const [id] = await insertJobs(1, {
      schedule: '* * * * *',
      nextRun: "date_trunc('minute', now()) - interval '1 hour'",
      extra: `misfire_policy='${policy}'`,
    });
    await claimUntilEmpty('me');
    const runs = await sql<{ scheduled_for: Date }>('SELECT scheduled_for FROM job_runs');
    expect(runs).toHaveLength(expected);
    const [job] = await sql<{ next_run: Date; now: Date }>('SELECT next_run, now() FROM jobs WHERE id = $1', [id]);
    expect(job.next_run.getTime()).toBeGreaterThan(job.now.getTime());
    expect(job.next_run.getTime() - job.now.getTime()).toBeLessThanOrEqual(60_000);
  });

  it('runs every occurrence that fell due within the misfire threshold, one after the other', async () => {
    await insertJobs(1, { schedule: '*/10 * * * * *', nextRun: "to_timestamp(floor(extract(epoch FROM now()) / 10) * 10 - 30)" });
    await claimUntilEmpty('me');
    const runs = await sql<{ scheduled_for: Date }>('SELECT scheduled_for FROM job_runs ORDER BY scheduled_for');
    expect(runs.length).toBeGreaterThanOrEqual(4);
    const steps = runs.slice(1).map((run, index) => run.scheduled_for.getTime() - runs[index].scheduled_for.getTime());
    expect(steps.every((step) => step === 10_000)).toBe(true);
  });

  describe('leases, outcomes and retries', () => {
    it('abandons a run whose lease expired, retries it elsewhere, and refuses the late outcome of the first holder', async () => {
      await insertJobs(1);
      const [claimed] = (await store.claim(10, 'frozen')).runs;
      await sql("UPDATE job_runs SET lease_expires_at = now() - interval '1 millisecond'");
      expect(await store.abandonExpired(100)).toMatchObject({ abandoned: 1, retried: 1 });

      const late = await store.finish('frozen', { runId: claimed.id, jobId: claimed.jobId, status: 'succeeded', durationMs: 5, error: null, output: 'late', retryDelayMs: 0 });
      expect(late.recorded).toBe(false);
      expect(await store.extendLeases([claimed.id], 'frozen')).toEqual({ held: new Set(), lost: new Set([claimed.id]), cancelled: new Set() });

      const [retry] = (await store.claim(10, 'rescuer')).runs;
      expect(retry).toMatchObject({ jobId: claimed.jobId, attempt: 2, scheduledFor: claimed.scheduledFor });
      expect(await store.extendLeases([retry.id], 'rescuer')).toEqual({ held: new Set([retry.id]), lost: new Set(), cancelled: new Set() });
      const done = await store.finish('rescuer', { runId: retry.id, jobId: retry.jobId, status: 'succeeded', durationMs: 5, error: null, output: 'ok', retryDelayMs: 0 });
      expect(done.recorded).toBe(true);

      const runs = await sql<{ attempt: number; status: string; instance_id: string }>(
        'SELECT attempt, status, instance_id FROM job_runs ORDER BY attempt',
      );
      expect(runs).toEqual([
        { attempt: 1, status: 'abandoned', instance_id: 'frozen' },
        { attempt: 2, status: 'succeeded', instance_id: 'rescuer' },
      ]);
      expect((await sql<{ last_status: string }>('SELECT last_status FROM jobs'))[0].last_status).toBe('succeeded');
    });

    // Found by the fault suite (bench/faults, frozen-instance): a run finishing while its lease was
    // renewed was reported "lost" and interrupted.
    it('does not take a run this instance has just finished for a lost one', async () => {
      await insertJobs(2);
      const [finished, running] = (await store.claim(10, 'me')).runs;
      await store.finish('me', { runId: finished.id, jobId: finished.jobId, status: 'succeeded', durationMs: 1, error: null, output: null, retryDelayMs: 0 });

      expect(await store.extendLeases([finished.id, running.id], 'me')).toEqual({ held: new Set([running.id]), lost: new Set(), cancelled: new Set() });
      expect(await store.extendLeases([running.id], 'someone-else')).toEqual({ held: new Set(), lost: new Set([running.id]), cancelled: new Set() });
    });

    // A broker-mode worker does not listen for cancel notices: its lease renewal is how it hears of one.
    it('tells a run cancelled through the API apart from a lost one at the lease renewal', async () => {
      await insertJobs(1);
      const [running] = (await store.claim(10, 'me')).runs;
      await sql("UPDATE job_runs SET status = 'cancelled', lease_expires_at = NULL WHERE id = $1", [running.id]);
      expect(await store.extendLeases([running.id], 'me')).toEqual({ held: new Set(), lost: new Set(), cancelled: new Set([running.id]) });
    });

    // The fault suite's repeated-kills scenario lost occurrences abandoned five times in a row under the
    // former bound of three; the backoff makes a run of kills outlast itself instead.
    it('retries an abandoned occurrence at once, then after one lease, two, four…', async () => {
      await insertJobs(1);
      await store.claim(10, 'dies');
      const waits: number[] = [];
      for (let round = 0; round < 4; round += 1) {
        await sql("UPDATE job_runs SET lease_expires_at = now() - interval '1 millisecond' WHERE status = 'running'");
        await store.abandonExpired(100);
        const [retry] = await sql<{ wait_ms: number }>(
          "SELECT (extract(epoch FROM run_at - now()) * 1000)::int AS wait_ms FROM job_runs WHERE status = 'retry_pending'",
        );
        waits.push(Math.round(retry.wait_ms / 1000) || 0);
        await sql("UPDATE job_runs SET run_at = now() WHERE status = 'retry_pending'");
        await store.claim(10, 'dies');
      }
      // RUN_LEASE_MS is 5 s here.
      expect(waits).toEqual([0, 5, 10, 20]);
    });

    it('stops granting extra attempts after ten abandonments of one occurrence', async () => {
      await insertJobs(1);
      await store.claim(10, 'dies');
      for (let round = 0; round < 11; round += 1) {
        await sql("UPDATE job_runs SET lease_expires_at = now() - interval '1 millisecond' WHERE status = 'running'");
        await store.abandonExpired(100);
        await sql("UPDATE job_runs SET run_at = now() WHERE status = 'retry_pending'");
        await store.claim(10, 'dies');
      }
      const runs = await sql<{ attempt: number; status: string }>('SELECT attempt, status FROM job_runs ORDER BY attempt');
      expect(runs.map((run) => run.status)).toEqual(Array.from({ length: 11 }, () => 'abandoned'));
    });

    it('inserts the next attempt of a failed run with the backoff, and does not start it early', async () => {
      await insertJobs(1, { extra: 'max_attempts=2' });
      const [claimed] = (await store.claim(10, 'me')).runs;
      const result = await store.finish('me', { runId: claimed.id, jobId: claimed.jobId, status: 'failed', durationMs: 3, error: 'boom', output: null, retryDelayMs: 60_000 });
      expect(result).toEqual({ recorded: true, retryRunId: expect.any(Number) });
      const [retry] = await sql<{ attempt: number; status: string; wait: number }>(
        "SELECT attempt, status, extract(epoch FROM run_at - now()) AS wait FROM job_runs WHERE status = 'retry_pending'",
      );
      expect(retry.attempt).toBe(2);
      expect(Number(retry.wait)).toBeGreaterThan(55);
      expect((await store.claim(10, 'me')).runs).toEqual([]);

      // Two minutes on, by the claim's clock: the retry is due.
      const [claimedRetry] = (await store.claim(10, 'me', new Date(Date.now() + 120_000))).runs;
      const last = await store.finish('me', { runId: claimedRetry.id, jobId: claimedRetry.jobId, status: 'failed', durationMs: 3, error: 'boom', output: null, retryDelayMs: 0 });
      expect(last).toEqual({ recorded: true, retryRunId: null });
    });

    it('records outcomes reported together each on its own terms: fenced per instance, retries for failures with attempts left', async () => {
      await insertJobs(3, { extra: 'max_attempts=2' });
      const [succeeds, fails, stolen] = (await store.claim(10, 'me')).runs;
      await sql("UPDATE job_runs SET instance_id = 'other' WHERE id = $1", [stolen.id]);
      const outcome = { durationMs: 2, output: null, retryDelayMs: 0 };
      // Submitted in the same turn of the event loop, so they are written as one group.
      const results = await Promise.all([
        store.finish('me', { ...outcome, runId: succeeds.id, jobId: succeeds.jobId, status: 'succeeded', error: null }),
        store.finish('me', { ...outcome, runId: fails.id, jobId: fails.jobId, status: 'failed', error: 'boom' }),
        store.finish('me', { ...outcome, runId: stolen.id, jobId: stolen.jobId, status: 'succeeded', error: null }),
      ]);
      expect(results).toEqual([
        { recorded: true, retryRunId: null },
        { recorded: true, retryRunId: expect.any(Number) },
        { recorded: false, retryRunId: null },
      ]);
      const runs = await sql<{ job_id: number; attempt: number; status: string }>('SELECT job_id, attempt, status FROM job_runs');
      const statuses = (jobId: number) =>
        runs.filter((run) => run.job_id === jobId).sort((a, b) => a.attempt - b.attempt).map((run) => run.status);
      expect(statuses(succeeds.jobId)).toEqual(['succeeded']);
      expect(statuses(fails.jobId)).toEqual(['failed', 'retry_pending']);
      expect(statuses(stolen.jobId)).toEqual(['running']);
      const jobs = new Map((await sql<{ id: number; last_status: string }>('SELECT id, last_status FROM jobs')).map((job) => [job.id, job.last_status]));
      expect([jobs.get(succeeds.jobId), jobs.get(fails.jobId), jobs.get(stolen.jobId)]).toEqual(['succeeded', 'failed', 'running']);
    });

    it('stores output with NUL characters or half a surrogate pair, without failing the other outcomes written with it', async () => {
      await insertJobs(2);
      const [odd, plain] = (await store.claim(10, 'me')).runs;
      const outcome = { status: 'succeeded' as const, durationMs: 1, error: null, retryDelayMs: 0 };
      const results = await Promise.all([
        store.finish('me', { ...outcome, runId: odd.id, jobId: odd.jobId, output: 'a\u0000b\ud800c' }),
        store.finish('me', { ...outcome, runId: plain.id, jobId: plain.jobId, output: 'ok' }),
      ]);
      expect(results.map((result) => result.recorded)).toEqual([true, true]);
      const [row] = await sql<{ output: string }>('SELECT output FROM job_runs WHERE id = $1', [odd.id]);
      expect(row.output).toBe('a\ufffdb\ufffdc');
    });

    it('starts queued runs asked for together once each: a repeated id, a started run and a missing one start nothing', async () => {
      const [first, second] = await insertJobs(2);
      const queued = await sql<{ id: string }>(
        `INSERT INTO job_runs (job_id, scheduled_for, attempt, status, run_at)
         SELECT id, now(), 1, 'queued', now() FROM jobs WHERE id = ANY($1::int[]) ORDER BY id RETURNING id`,
        [[first, second]],
      );
      const [a, b] = queued.map((row) => Number(row.id));
      await store.startQueued(b, 'worker-0');
      const results = await Promise.all([a, a, b, 999_999].map((id) => store.startQueued(id, 'worker-1')));
      expect(results.map(({ run, exists }) => ({ started: run?.id ?? null, exists }))).toEqual([
        { started: a, exists: true },
        { started: null, exists: true },
        { started: null, exists: true },
        { started: null, exists: false },
      ]);
      expect(results[0].run).toMatchObject({ jobId: first, attempt: 1 });
      const runs = await sql<{ id: string; status: string; instance_id: string }>('SELECT id, status, instance_id FROM job_runs ORDER BY id');
      expect(runs.map((run) => [Number(run.id), run.status, run.instance_id])).toEqual([
        [a, 'running', 'worker-1'],
        [b, 'running', 'worker-0'],
      ]);
    });

    it('alerts on an abandoned run that was its occurrence\'s last attempt, as on a failed one, and not on one that is retried', async () => {
      const notify = JSON.stringify({ targets: [{ url: 'https://hooks.example.com/x', format: 'json' }], events: ['failed'], afterConsecutiveFailures: 1 });
      const [exhausted, retried] = await insertJobs(2, { extra: `max_attempts,notify=1,'${notify}'::jsonb` });
      // The exhausted occurrence was abandoned ten times already (the free abandonments): its eleventh attempt is its last.
      await sql(
        `INSERT INTO job_runs (job_id, scheduled_for, attempt, status, instance_id, started_at, finished_at)
         SELECT $1, '2026-01-01T00:00:00Z', g, 'abandoned', 'gone', now(), now() FROM generate_series(1, 10) g`,
        [exhausted],
      );
      const running = await sql<{ id: string; job_id: number }>(
        `INSERT INTO job_runs (job_id, scheduled_for, attempt, status, instance_id, started_at, lease_expires_at)
         VALUES ($1, '2026-01-01T00:00:00Z', 11, 'running', 'gone', now(), now() - interval '1 second'),
                ($2, '2026-01-01T00:00:00Z', 1, 'running', 'gone', now(), now() - interval '1 second')
         RETURNING id, job_id`,
        [exhausted, retried],
      );
      const last = Number(running.find((run) => run.job_id === exhausted)!.id);

      expect(await store.abandonExpired(100)).toMatchObject({ abandoned: 2, retried: 1, finals: [{ runId: last, jobId: exhausted }] });
      const alerts = await sql<{ job_id: number; run_id: string; event: string; status: string }>('SELECT job_id, run_id, event, status FROM alert_deliveries');
      expect(alerts.map((alert) => ({ ...alert, run_id: Number(alert.run_id) }))).toEqual([{ job_id: exhausted, run_id: last, event: 'failed', status: 'pending' }]);
      expect(await sql('SELECT consecutive_failures FROM jobs WHERE id = $1', [exhausted])).toEqual([{ consecutive_failures: 1 }]);
    });

    it('hands back its own unfinished runs at shutdown, leases expired or not, and no one else’s', async () => {
      await insertJobs(2, { extra: 'max_attempts=1' });
      const mine = (await store.claim(1, 'leaving')).runs;
      const theirs = (await store.claim(1, 'staying')).runs;
      expect(await store.handBack({ runIds: [...mine, ...theirs].map((run) => run.id), instanceId: 'leaving' })).toEqual({
        abandoned: 1,
        retried: 1,
        jobIds: [mine[0].jobId],
        finals: [],
      });
      const runs = await sql<{ instance_id: string | null; status: string; error: string | null }>(
        'SELECT instance_id, status, error FROM job_runs ORDER BY id',
      );
      expect(runs.map((run) => [run.instance_id, run.status])).toEqual([
        ['leaving', 'abandoned'],
        ['staying', 'running'],
        [null, 'retry_pending'],
      ]);
      expect(runs[0].error).toMatch(/shut down/);
    });
  });

  describe('manual runs', () => {
    it('queue a run now without moving nextRun, for inactive jobs too, and start through the claim path', async () => {
      const [active] = await insertJobs(1, { nextRun: "now() + interval '1 day'" });
      const [inactive] = await sql<{ id: number }>(
        "INSERT INTO jobs (name, schedule, is_active, updated_at) VALUES ('paused', '0 9 * * *', false, now()) RETURNING id",
      );
      const before = await sql<{ id: number; next_run: Date | null }>('SELECT id, next_run FROM jobs ORDER BY id');
      const queued = await enqueueManual(active);
      expect(queued).toEqual({ outcome: 'queued', runId: expect.any(Number) });
      expect(await sql('SELECT job_id, status, attempt FROM job_runs')).toEqual([{ job_id: active, status: 'retry_pending', attempt: 1 }]);
      expect(await enqueueManual(inactive.id)).toMatchObject({ outcome: 'queued' });
      expect(await enqueueManual(999_999)).toEqual({ outcome: 'missing' });
      const started = (await store.claim(10, 'me')).runs;
      expect(started.map((run) => run.jobId).sort()).toEqual([active, inactive.id].sort());
      expect(await sql('SELECT id, next_run FROM jobs ORDER BY id')).toEqual(before);
    });
  });

  describe('manual runs of a job whose overlapPolicy is forbid', () => {
    it('are refused while a run of the job is running, queued or waiting for a retry, and queued once it is done', async () => {
      const [job] = await insertJobs(1, { extra: "overlap_policy='forbid'" });
      for (const status of ['running', 'queued', 'retry_pending']) {
        await sql("INSERT INTO job_runs (job_id, scheduled_for, status, run_at) VALUES ($1, now(), $2, now())", [job, status]);
        expect(await enqueueManual(job)).toEqual({ outcome: 'busy', limitedBy: 'overlapPolicy', limit: 1 });
        await sql("UPDATE job_runs SET status = 'succeeded' WHERE job_id = $1", [job]);
      }
      expect(await enqueueManual(job)).toMatchObject({ outcome: 'queued' });
    });
  });

  describe('a job\'s run limit (maxConcurrency, or 1 under overlapPolicy forbid)', () => {
    /** Pending runs of the job (retries or manual runs), due a minute apart, the last a minute ago. */
    const insertPendingRuns = (jobId: number, count: number) =>
      sql(
        `INSERT INTO job_runs (job_id, scheduled_for, status, run_at)
         SELECT $1, now() - g * interval '1 hour', 'retry_pending', now() - g * interval '1 minute' FROM generate_series($2::int, 1, -1) g`,
        [jobId, count],
      );
    const statuses = (jobId: number) =>
      sql<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM job_runs WHERE job_id = $1 GROUP BY status ORDER BY status', [jobId]);
    const finishOne = (jobId: number) =>
      sql("UPDATE job_runs SET status = 'succeeded' WHERE id = (SELECT min(id) FROM job_runs WHERE job_id = $1 AND status = 'running')", [jobId]);

    it('starts no more of a job\'s due runs than its maxConcurrency; the rest wait, due, and start one by one as slots free', async () => {
      const [limited] = await insertJobs(1, { nextRun: "now() + interval '1 day'", extra: 'max_concurrency=3' });
      const [unlimited] = await insertJobs(1, { nextRun: "now() + interval '1 day'" });
      await insertPendingRuns(limited, 10);
      await insertPendingRuns(unlimited, 10);
      const first = await store.claim(100, 'me');
      expect(first.runs.filter((run) => run.jobId === limited)).toHaveLength(3);
      expect(first.runs.filter((run) => run.jobId === unlimited)).toHaveLength(10);
      expect(await store.claim(100, 'me')).toMatchObject({ selected: 0, runs: [] });
      const started = new Set(first.runs.map((run) => run.id));
      for (let round = 0; round < 7; round += 1) {
        await finishOne(limited);
        const { runs } = await store.claim(100, 'me');
        expect(runs).toHaveLength(1);
        expect(started.has(runs[0].id)).toBe(false);
        started.add(runs[0].id);
      }
      expect(await statuses(limited)).toEqual([{ status: 'running', n: 3 }, { status: 'succeeded', n: 7 }]);
    });

    it('keeps a due occurrence of a job at its limit due, neither skipped nor lost, and runs it once a slot frees', async () => {
      const [id] = await insertJobs(1, { schedule: '0 0 1 1 *', extra: 'max_concurrency=2' });
      await insertPendingRuns(id, 2);
      expect((await store.claim(100, 'me')).runs).toHaveLength(2);
      const [{ next_run: due }] = await sql<{ next_run: Date }>('SELECT next_run FROM jobs WHERE id = $1', [id]);
      expect(await store.claim(100, 'me')).toMatchObject({ selected: 0, runs: [] });
      expect(await sql('SELECT next_run FROM jobs WHERE id = $1', [id])).toEqual([{ next_run: due }]);
      await finishOne(id);
      const { runs } = await store.claim(100, 'me');
      expect(runs.map((run) => [run.jobId, run.scheduledFor])).toEqual([[id, due]]);
      expect(await statuses(id)).toEqual([{ status: 'running', n: 2 }, { status: 'succeeded', n: 1 }]);
    });

    it('starts a forbid job\'s due retry only when no run of the job is going, and skips its occurrence behind a due retry', async () => {
      const [id] = await insertJobs(1, { schedule: '0 0 1 1 *', extra: "overlap_policy='forbid'" });
      await sql("INSERT INTO job_runs (job_id, scheduled_for, status, run_at) VALUES ($1, now() - interval '1 hour', 'retry_pending', now() - interval '1 minute')", [id]);
      const { runs } = await store.claim(100, 'me');
      expect(runs).toHaveLength(1);
      expect(await statuses(id)).toEqual([{ status: 'running', n: 1 }, { status: 'skipped', n: 1 }]);
      await insertPendingRuns(id, 1);
      expect((await store.claim(100, 'me')).runs).toEqual([]);
      await finishOne(id);
      expect((await store.claim(100, 'me')).runs).toHaveLength(1);
    });

    it('holds under claimers racing for the same jobs: each job ends with exactly its limit running, and no run starts twice', async () => {
      const jobs = await insertJobs(8, { schedule: '0 0 1 1 *', extra: 'max_concurrency=3' });
      for (const job of jobs) await insertPendingRuns(job, 12);
      /** Claims `times` times whatever it finds: a claimer that found the jobs locked by another tries again. */
      const claimRepeatedly = async (instanceId: string, times: number) => {
        const claimed: number[] = [];
        for (let n = 0; n < times; n += 1) claimed.push(...(await store.claim(2, instanceId)).runs.map((run) => run.id));
        return claimed;
      };
      const runningPerJob = () => sql<{ n: number }>("SELECT count(*)::int AS n FROM job_runs WHERE status = 'running' GROUP BY job_id");
      const claimers = await Promise.all([1, 2, 3, 4].map((n) => claimRepeatedly(`claimer-${n}`, 20)));
      expect(claimers.flat()).toHaveLength(8 * 3);
      expect(new Set(claimers.flat()).size).toBe(8 * 3);
      expect(claimers.filter((claimed) => claimed.length > 0).length).toBeGreaterThan(1);
      expect(await runningPerJob()).toEqual(jobs.map(() => ({ n: 3 })));
      for (let round = 0; round < 4; round += 1) {
        await sql("UPDATE job_runs SET status = 'succeeded' WHERE id IN (SELECT min(id) FROM job_runs WHERE status = 'running' GROUP BY job_id)");
        const raced = await Promise.all([1, 2, 3].map((n) => claimRepeatedly(`claimer-${n}`, 8)));
        expect(raced.flat()).toHaveLength(8);
        expect(await runningPerJob()).toEqual(jobs.map(() => ({ n: 3 })));
      }
    });

    it('leaves a job to the claimer already starting one of its runs, also when an earlier run of the job appears meanwhile', async () => {
      const [id] = await insertJobs(1, { nextRun: "now() + interval '1 day'", extra: 'max_concurrency=1' });
      await insertPendingRuns(id, 1);
      const other = new Client({ connectionString: t.database.url });
      await other.connect();
      try {
        // Another instance's claim, as startDueRuns writes it, not yet committed.
        await other.query('BEGIN');
        await other.query('SELECT id FROM jobs WHERE id = $1 FOR NO KEY UPDATE', [id]);
        await other.query("UPDATE job_runs SET status = 'running', instance_id = 'other', started_at = now() WHERE job_id = $1", [id]);
        await other.query('UPDATE jobs SET last_run = now(), last_status = $2 WHERE id = $1', [id, 'running']);
        await sql("INSERT INTO job_runs (job_id, scheduled_for, status, run_at) VALUES ($1, now() - interval '1 day', 'retry_pending', now() - interval '1 day')", [id]);
        expect((await store.claim(100, 'me')).runs).toEqual([]);
        await other.query('COMMIT');
      } finally {
        await other.end();
      }
      expect((await store.claim(100, 'me')).runs).toEqual([]);
      expect(await statuses(id)).toEqual([{ status: 'running', n: 1 }, { status: 'retry_pending', n: 1 }]);
    });

    it('refuses a manual run while the job has maxConcurrency runs in flight or waiting, also to requests racing for the last place', async () => {
      const [id] = await insertJobs(1, { nextRun: "now() + interval '1 day'", extra: 'max_concurrency=3' });
      await insertPendingRuns(id, 1);
      const answers = await Promise.all(Array.from({ length: 12 }, () => enqueueManual(id)));
      expect(answers.filter((answer) => answer.outcome === 'queued')).toHaveLength(2);
      expect(answers.filter((answer) => answer.outcome === 'busy')).toEqual(Array(10).fill({ outcome: 'busy', limitedBy: 'maxConcurrency', limit: 3 }));
      await store.claim(100, 'me');
      await finishOne(id);
      expect(await enqueueManual(id)).toMatchObject({ outcome: 'queued' });
    });
  });

  describe('due notices', () => {
    it('announce a manual run and a scheduled retry with the instant each falls due, and nothing else', async () => {
      const listener = new Client({ connectionString: t.database.url });
      await listener.connect();
      try {
        const notices: number[] = [];
        listener.on('notification', (message) => message.channel === DUE_CHANNEL && notices.push(Number(message.payload)));
        await listener.query(`LISTEN ${DUE_CHANNEL}`);
        const [job] = await insertJobs(1, { extra: 'max_attempts=2' });
        const queued = await enqueueManual(job);
        const [manual] = (await store.claim(10, 'me')).runs;
        const before = Date.now();
        await store.finish('me', { runId: manual.id, jobId: job, status: 'failed', durationMs: 1, error: 'boom', output: null, retryDelayMs: 60_000 });
        await waitFor(async () => notices.length >= 2, 5_000, 'two notices');
        const [retryAt] = await sql<{ run_at: Date }>("SELECT run_at FROM job_runs WHERE status = 'retry_pending'");
        expect(queued.outcome).toBe('queued');
        expect(notices[1]).toBe(retryAt.run_at.getTime());
        expect(notices[1]).toBeGreaterThan(before + 50_000);
        await store.finish('me', { runId: manual.id, jobId: job, status: 'failed', durationMs: 1, error: 'late', output: null, retryDelayMs: 1 });
        await sql('SELECT pg_notify($1, $2)', ['another channel', '1']);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(notices).toHaveLength(2);
      } finally {
        await listener.end();
      }
    });
  });

  describe('pruning', () => {
    it('deletes finished runs older than the retention but keeps the latest run of every job', async () => {
      const [a, b] = await insertJobs(2);
      await sql(
        `INSERT INTO job_runs (job_id, scheduled_for, status, finished_at) VALUES
           ($1, now() - interval '50 days', 'succeeded', now() - interval '50 days'),
           ($1, now() - interval '40 days', 'failed', now() - interval '40 days'),
           ($1, now() - interval '1 day', 'succeeded', now() - interval '1 day'),
           ($2, now() - interval '45 days', 'succeeded', now() - interval '45 days'),
           ($2, now() - interval '44 days', 'succeeded', now() - interval '44 days')`,
        [a, b],
      );
      expect(await store.prune(30, 1000)).toBe(3);
      const left = await sql<{ job_id: number; age: number }>(
        'SELECT job_id, round(extract(epoch FROM now() - finished_at) / 86400) AS age FROM job_runs ORDER BY job_id, age',
      );
      expect(left.map((row) => [row.job_id, Number(row.age)])).toEqual([
        [a, 1],
        [b, 44],
      ]);
    });

    it('lets one instance prune at a time', async () => {
      await withClient(t.database.url, async (holder) => {
        await holder.query('BEGIN');
        await holder.query('SELECT pg_advisory_xact_lock(727073690002)');
        expect(await store.prune(30, 1000)).toBeNull();
        await holder.query('ROLLBACK');
      });
      expect(await store.prune(30, 1000)).toBe(0);
    });
  });
});
