import { makeJob } from './support/factories';
import { LOOPBACK_HTTP_JOBS } from './support/loopback-http-jobs';
import { startSlowHttpServer, type SlowHttpServer } from './support/slow-http-server';
import { startTestApp, type TestApp } from './support/test-app';
import { withClient } from './support/test-server';
import { waitFor } from './support/wait-for';

/*
 * Issue 16's "no bound on one job's share", reproduced on a running scheduler: the safety tick
 * never fires, so whatever runs was started by the wake-up (its timer, or a notice).
 */
describe('maxConcurrency, enforced by the scheduler', () => {
  let t: TestApp;
  let server: SlowHttpServer;

  const sql = <T extends object>(text: string, values: unknown[] = []) =>
    withClient(t.database.url, async (client) => (await client.query(text, values)).rows as T[]);
  const runsOf = (jobId: number) =>
    sql<{ status: string; scheduled_for: Date; started_at: Date | null; finished_at: Date | null }>(
      'SELECT status, scheduled_for, started_at, finished_at FROM job_runs WHERE job_id = $1 ORDER BY started_at',
      [jobId],
    );
  const createJob = async (overrides: Record<string, unknown>) => (await t.http.post('/jobs').send(makeJob(overrides)).expect(201)).body as { id: number };

  beforeAll(async () => {
    server = await startSlowHttpServer();
    t = await startTestApp({ ...LOOPBACK_HTTP_JOBS, SCHEDULER_TICK: '0 0 0 1 1 *', SCHEDULER_CONCURRENCY: '20', SHUTDOWN_GRACE_MS: '0' });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await server?.close();
  }, 60_000);

  it('answers 409 naming maxConcurrency to run-nows past the limit of a job whose endpoint never answers, and an every-second job keeps its time', async () => {
    const hanging = await createJob({ schedule: '0 0 1 1 *', type: 'http', params: { url: `${server.url}/delay/86400000` }, timeoutMs: 86_400_000, maxConcurrency: 5 });
    const answers: { status: number; body: { fields?: unknown } }[] = [];
    for (let request = 0; request < 150; request += 10) {
      answers.push(...(await Promise.all(Array.from({ length: 10 }, () => t.http.post(`/jobs/${hanging.id}/run`)))));
    }
    expect(answers.filter((answer) => answer.status === 202)).toHaveLength(5);
    const refused = answers.filter((answer) => answer.status === 409);
    expect(refused).toHaveLength(145);
    expect(refused[0].body.fields).toEqual([
      { field: 'maxConcurrency', message: `job ${hanging.id} allows 5 runs at once and as many are running, queued or waiting; ask again once one has finished` },
    ]);
    await waitFor(async () => (await runsOf(hanging.id)).filter((run) => run.status === 'running').length === 5, 30_000, 'five hanging runs');

    const everySecond = await createJob({ schedule: '* * * * * *' });
    const started = await waitFor(async () => {
      const runs = (await runsOf(everySecond.id)).filter((run) => run.started_at);
      return runs.length >= 5 && runs;
    }, 30_000, 'five runs of the every-second job');
    for (const run of started) expect(run.started_at!.getTime() - run.scheduled_for.getTime()).toBeLessThan(2_000);
    expect((await runsOf(hanging.id)).map((run) => run.status)).toEqual(Array(5).fill('running'));
    await t.http.delete(`/jobs/${everySecond.id}`).expect(204);
    await t.http.delete(`/jobs/${hanging.id}`).expect(204);
  }, 120_000);

  it('never runs more than maxConcurrency of a job at once: a due occurrence waits for a slot and starts when one frees', async () => {
    const job = await createJob({ schedule: '* * * * * *', type: 'http', params: { url: `${server.url}/delay/2500` }, maxConcurrency: 2 });
    const runs = await waitFor(async () => {
      const finished = (await runsOf(job.id)).filter((run) => run.finished_at);
      return finished.length >= 5 && finished;
    }, 60_000, 'five finished runs');
    await t.http.patch(`/jobs/${job.id}`).send({ isActive: false }).expect(200);
    const overlapping = (at: Date) => runs.filter((run) => run.started_at! <= at && at < run.finished_at!).length;
    for (const run of runs) expect(overlapping(run.started_at!)).toBeLessThanOrEqual(2);
    // The third and later runs start within moments of a slot freeing, woken by the finished run's notice.
    for (const run of runs.slice(2)) {
      const freed = Math.max(...runs.filter((other) => other.finished_at! <= run.started_at!).map((other) => other.finished_at!.getTime()));
      expect(run.started_at!.getTime() - freed).toBeLessThan(1_000);
    }
  }, 120_000);
});
