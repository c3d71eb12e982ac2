import { connect } from 'amqplib';
import { deleteBrokerQueues, LOCAL_AMQP_URL, uniqueQueueName } from './support/rabbitmq';
import { ServiceProcess } from './support/service-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { withClient } from './support/test-server';
import { waitFor } from './support/wait-for';

const SECOND = 1000;
const MISFIRE_THRESHOLD_MS = 3 * SECOND;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RunRow {
  id: string;
  status: string;
  scheduled_for: Date;
  started_at: Date | null;
}

/** Cancel and the maintenance switch in broker mode, with a scheduler and a worker as real processes. */
describe('run control in broker mode, with RabbitMQ', () => {
  let database: TestDatabase;
  let queue: string;
  let services: ServiceProcess[] = [];

  const environment = (role: 'scheduler' | 'worker') => ({
    DATABASE_URL: database.url,
    EXECUTION_MODE: 'broker',
    AMQP_URL: LOCAL_AMQP_URL,
    AMQP_QUEUE: queue,
    SCHEDULER_ENABLED: String(role === 'scheduler'),
    WORKER_ENABLED: String(role === 'worker'),
    SCHEDULER_TICK: '* * * * * *',
    QUEUED_REPUBLISH_MS: '2000',
    MISFIRE_THRESHOLD_MS: String(MISFIRE_THRESHOLD_MS),
    THROTTLE_LIMIT: '0',
  });
  const start = async (role: 'scheduler' | 'worker', instanceId: string) => {
    const service = await ServiceProcess.start(environment(role), instanceId);
    services.push(service);
    return service;
  };
  const call = async (service: ServiceProcess, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  };
  const createJob = async (service: ServiceProcess, fields: Record<string, unknown>) =>
    (await call(service, 'POST', '/jobs', { params: { message: 'brokered' }, ...fields })).body as { id: number; nextRun: string };
  const runsOf = (jobId: number) =>
    withClient(database.url, async (client) =>
      (await client.query<RunRow>('SELECT id, status, scheduled_for, started_at FROM job_runs WHERE job_id = $1 ORDER BY scheduled_for, id', [jobId])).rows,
    );
  const queuedRunOf = (jobId: number) =>
    waitFor(async () => (await runsOf(jobId)).find((run) => run.status === 'queued') ?? false, 15 * SECOND, `a queued run of job ${jobId}`);
  const skippedMessages = async (worker: ServiceProcess) =>
    Number(/broker_messages_total\{event="skipped"\} (\d+)/.exec(await (await fetch(`${worker.url}/metrics`)).text())?.[1] ?? 0);

  beforeEach(async () => {
    database = await createTestDatabase();
    queue = uniqueQueueName('run-control');
  });

  afterEach(async () => {
    await Promise.all(services.map((service) => service.stop('SIGKILL')));
    services = [];
    await database.drop();
    await deleteBrokerQueues(queue);
  });

  it('never starts a queued run cancelled before a worker took it; it ends cancelled and the worker goes on', async () => {
    const scheduler = await start('scheduler', 'cancel-scheduler');
    const job = await createJob(scheduler, { name: 'cancelled while queued', schedule: '0 0 1 1 *', maxAttempts: 3 });
    expect((await call(scheduler, 'POST', `/jobs/${job.id}/run`)).status).toBe(202);
    const queued = await queuedRunOf(job.id);

    const cancelled = await call(scheduler, 'POST', `/runs/${queued.id}/cancel`);
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled', startedAt: null } });
    const worker = await start('worker', 'cancel-worker');
    await waitFor(async () => (await skippedMessages(worker)) >= 1, 15 * SECOND, 'the worker to skip the cancelled run’s message');
    const other = await createJob(scheduler, { name: 'runs after', schedule: '0 0 1 1 *' });
    expect((await call(scheduler, 'POST', `/jobs/${other.id}/run`)).status).toBe(202);
    await waitFor(async () => (await runsOf(other.id))[0]?.status === 'succeeded', 15 * SECOND, 'the other run to succeed on the worker');

    expect(await runsOf(job.id)).toEqual([expect.objectContaining({ id: queued.id, status: 'cancelled', started_at: null })]);
    const connection = await connect(LOCAL_AMQP_URL);
    const channel = await connection.createChannel();
    expect((await channel.checkQueue(queue)).messageCount).toBe(0);
    await connection.close();
  });

  it('starts nothing on the workers while paused; on resume the queued run starts and missed occurrences follow the misfire policy', async () => {
    const scheduler = await start('scheduler', 'pause-scheduler');
    const manual = await createJob(scheduler, { name: 'queued before the pause', schedule: '0 0 1 1 *' });
    expect((await call(scheduler, 'POST', `/jobs/${manual.id}/run`)).status).toBe(202);
    const queued = await queuedRunOf(manual.id);
    expect((await call(scheduler, 'POST', '/scheduler/pause')).body).toMatchObject({ paused: true });

    const worker = await start('worker', 'pause-worker');
    const catchUp = await createJob(scheduler, { name: 'every second, run_once', schedule: '* * * * * *', misfirePolicy: 'run_once' });
    const skip = await createJob(scheduler, { name: 'every second, skip', schedule: '* * * * * *', misfirePolicy: 'skip' });
    await waitFor(async () => (await skippedMessages(worker)) >= 1, 15 * SECOND, 'the worker to receive the queued run and leave it');
    await sleep(MISFIRE_THRESHOLD_MS + 2 * SECOND);
    expect(await runsOf(manual.id)).toEqual([expect.objectContaining({ id: queued.id, status: 'queued', started_at: null })]);
    expect([...(await runsOf(catchUp.id)), ...(await runsOf(skip.id))]).toEqual([]);

    const resumedAt = new Date();
    expect((await call(scheduler, 'POST', '/scheduler/resume')).body).toMatchObject({ paused: false });
    await waitFor(async () => (await runsOf(manual.id))[0].status === 'succeeded', 20 * SECOND, 'the queued run to start after the resume');
    await waitFor(async () => (await runsOf(skip.id)).some((run) => run.status === 'succeeded'), 20 * SECOND, 'the skip job to run its next occurrence');
    await waitFor(async () => (await runsOf(catchUp.id)).filter((run) => run.status === 'succeeded').length >= 2, 20 * SECOND, 'the catch-up job to run');

    const missedWindowEnd = resumedAt.getTime() - SECOND;
    const [first, ...later] = await runsOf(catchUp.id);
    expect(first.scheduled_for).toEqual(new Date(catchUp.nextRun));
    expect(later.every((run) => run.scheduled_for.getTime() >= missedWindowEnd)).toBe(true);
    expect((await runsOf(skip.id)).every((run) => run.scheduled_for.getTime() >= missedWindowEnd)).toBe(true);
  });
});
