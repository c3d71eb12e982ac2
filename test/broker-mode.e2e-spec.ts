import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { connect } from 'amqplib';
import { LOOPBACK_HTTP_JOBS } from './support/loopback-http-jobs';
import { ServiceProcess } from './support/service-process';
import { startSlowHttpServer, type SlowHttpServer } from './support/slow-http-server';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { withClient } from './support/test-server';
import { waitFor } from './support/wait-for';

const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
/** The built service with a fault: it exits after a claim commits, before publishing (see the file). */
const EXIT_BEFORE_PUBLISH = resolve(__dirname, 'support/exit-before-publish.js');
const SECOND = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nextWholeSecond = (plus: number) => new Date(Math.ceil(Date.now() / SECOND) * SECOND + plus * SECOND);

/** Each (job, second) in [from, to] must have exactly one succeeded run. */
async function occurrences(url: string, from: Date, to: Date) {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ expected: string; lost: string; doubled: string }>(
      `WITH expected AS (
         SELECT j.id AS job_id, s AS scheduled_for
           FROM jobs j, generate_series($1::timestamptz, $2::timestamptz, interval '1 second') s
       ),
       outcome AS (
         SELECT (SELECT count(*) FROM job_runs r
                  WHERE r.job_id = e.job_id AND r.scheduled_for = e.scheduled_for AND r.status = 'succeeded') AS succeeded
           FROM expected e
       )
       SELECT count(*) AS expected, count(*) FILTER (WHERE succeeded = 0) AS lost, count(*) FILTER (WHERE succeeded > 1) AS doubled
         FROM outcome`,
      [from, to],
    );
    return { expected: Number(rows[0].expected), lost: Number(rows[0].lost), doubled: Number(rows[0].doubled) };
  });
}

async function executors(url: string): Promise<Record<string, number>> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ instance_id: string; runs: string }>(
      "SELECT instance_id, count(*) AS runs FROM job_runs WHERE status = 'succeeded' GROUP BY instance_id",
    );
    return Object.fromEntries(rows.map((row) => [row.instance_id, Number(row.runs)]));
  });
}

describe('broker mode, with RabbitMQ', () => {
  let database: TestDatabase;
  let slowServer: SlowHttpServer;
  let services: ServiceProcess[] = [];
  let queue: string;

  const environment = (role: 'scheduler' | 'worker', extra: Record<string, string> = {}) => ({
    ...LOOPBACK_HTTP_JOBS,
    DATABASE_URL: database.url,
    EXECUTION_MODE: 'broker',
    AMQP_URL,
    AMQP_QUEUE: queue,
    SCHEDULER_ENABLED: String(role === 'scheduler'),
    WORKER_ENABLED: String(role === 'worker'),
    SCHEDULER_TICK: '* * * * * *',
    SCHEDULER_CONCURRENCY: '100',
    RUN_LEASE_MS: '2000',
    QUEUED_REPUBLISH_MS: '3000',
    THROTTLE_LIMIT: '0',
    ...extra,
  });

  async function createJobs(service: ServiceProcess, count: number, slowEvery = 0): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      const slow = slowEvery > 0 && index % slowEvery === 0;
      const response = await fetch(`${service.url}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: `broker job ${index}`,
          schedule: '* * * * * *',
          maxAttempts: 2,
          ...(slow ? { type: 'http', params: { url: `${slowServer.url}/delay/400` } } : {}),
        }),
      });
      expect(response.status).toBe(201);
    }
  }

  beforeEach(async () => {
    database = await createTestDatabase();
    slowServer = await startSlowHttpServer();
    queue = `scheduler.test.${randomBytes(4).toString('hex')}`;
  });

  afterEach(async () => {
    await Promise.all(services.map((service) => service.stop('SIGKILL')));
    services = [];
    await slowServer.close();
    await database.drop();
    const connection = await connect(AMQP_URL);
    const channel = await connection.createChannel();
    await channel.deleteQueue(queue);
    await channel.deleteQueue(`${queue}.dead`);
    await connection.close();
  });

  it('has workers, never the scheduler, run every occurrence exactly once, each worker taking a share', async () => {
    services = await Promise.all([
      ServiceProcess.start(environment('scheduler'), 'broker-scheduler'),
      ServiceProcess.start(environment('worker'), 'broker-worker-1'),
      ServiceProcess.start(environment('worker'), 'broker-worker-2'),
    ]);
    await createJobs(services[0], 200);
    const from = nextWholeSecond(1);
    await sleep(from.getTime() - Date.now() + 9 * SECOND);
    const to = new Date(from.getTime() + 7 * SECOND);
    expect(await Promise.all(services.map((service) => service.stop('SIGTERM')))).toEqual([0, 0, 0]);

    expect(await occurrences(database.url, from, to)).toEqual({ expected: 200 * 8, lost: 0, doubled: 0 });
    const byInstance = await executors(database.url);
    expect(Object.keys(byInstance).sort()).toEqual(['broker-worker-1', 'broker-worker-2']);
    expect(Math.min(...Object.values(byInstance))).toBeGreaterThan(200);
  });

  it('loses nothing and doubles nothing when a worker is killed with SIGKILL mid-run', async () => {
    services = await Promise.all([
      ServiceProcess.start(environment('scheduler'), 'kill-scheduler'),
      ServiceProcess.start(environment('worker'), 'kill-worker-1'),
      ServiceProcess.start(environment('worker'), 'kill-worker-2'),
    ]);
    await createJobs(services[0], 50, 2);
    const from = nextWholeSecond(1);
    await sleep(from.getTime() - Date.now() + 2 * SECOND);
    await waitFor(
      () =>
        withClient(database.url, async (client) => {
          const { rows } = await client.query<{ count: string }>(
            "SELECT count(*) FROM job_runs WHERE status = 'running' AND instance_id = 'kill-worker-1'",
          );
          return Number(rows[0].count) > 0;
        }),
      5 * SECOND,
      'kill-worker-1 to have runs in flight',
    );
    await services[1].stop('SIGKILL');
    await sleep(7 * SECOND);
    const to = new Date(from.getTime() + 7 * SECOND);
    await Promise.all([services[0].stop('SIGTERM'), services[2].stop('SIGTERM')]);

    expect(await occurrences(database.url, from, to)).toEqual({ expected: 50 * 8, lost: 0, doubled: 0 });
    const abandoned = await withClient(database.url, async (client) =>
      Number((await client.query<{ count: string }>("SELECT count(*) FROM job_runs WHERE status = 'abandoned'")).rows[0].count),
    );
    expect(abandoned).toBeGreaterThan(0);
  });

  it('publishes again the runs of a scheduler that died between commit and publish', async () => {
    const doomed = await ServiceProcess.start(environment('scheduler'), 'doomed', EXIT_BEFORE_PUBLISH);
    services = [doomed];
    const created = await fetch(`${doomed.url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'orphaned', schedule: '* * * * * *' }),
    });
    expect(created.status).toBe(201);
    await waitFor(async () => doomed.child.exitCode !== null, 10 * SECOND, 'the scheduler to die before publishing');
    expect(doomed.child.exitCode).toBe(86);
    const [orphan] = await withClient(database.url, async (client) =>
      (await client.query<{ id: string; status: string }>('SELECT id, status FROM job_runs')).rows,
    );
    expect(orphan.status).toBe('queued');

    services = await Promise.all([
      ServiceProcess.start(environment('scheduler'), 'rescuer'),
      ServiceProcess.start(environment('worker'), 'rescue-worker'),
    ]);
    const finished = await waitFor(
      () =>
        withClient(database.url, async (client) => {
          const { rows } = await client.query<{ status: string }>('SELECT status FROM job_runs WHERE id = $1', [orphan.id]);
          return rows[0].status === 'succeeded' && rows[0];
        }),
      15 * SECOND,
      'the orphaned run to be republished and run',
    );
    expect(finished.status).toBe('succeeded');
  });

  it('reconnects both sides when the broker drops their connections, losing and doubling nothing', async () => {
    services = await Promise.all([
      ServiceProcess.start(environment('scheduler'), 'outage-scheduler'),
      ServiceProcess.start(environment('worker'), 'outage-worker'),
    ]);
    await createJobs(services[0], 20);
    const from = nextWholeSecond(1);
    await sleep(from.getTime() - Date.now() + 2 * SECOND);
    const closeConnections = () => {
      const listing = execFileSync('rabbitmqctl', ['-q', 'list_connections', 'pid', 'client_properties'], { encoding: 'utf8' });
      const pids = listing
        .split('\n')
        .filter((line) => /outage-(scheduler|worker)/.test(line))
        .map((line) => line.split('\t')[0]);
      for (const pid of pids) execFileSync('rabbitmqctl', ['-q', 'close_connection', pid, 'test outage']);
      return pids.length;
    };
    expect(closeConnections()).toBe(2);
    await sleep(2 * SECOND);
    expect(closeConnections()).toBe(2);
    await sleep(6 * SECOND);
    const to = new Date(from.getTime() + 8 * SECOND);
    await Promise.all(services.map((service) => service.stop('SIGTERM')));

    expect(await occurrences(database.url, from, to)).toEqual({ expected: 20 * 9, lost: 0, doubled: 0 });
    const output = services.map((service) => service.output.join('')).join('');
    expect(output).toMatch(/RabbitMQ unavailable/);
  });

  it('dead-letters a message it cannot parse or that names no run, and goes on', async () => {
    services = [await ServiceProcess.start(environment('worker'), 'poison-worker')];
    await waitFor(async () => (await fetch(`${services[0].url}/health`)).status === 200, 10 * SECOND, 'the worker to be ready');
    const connection = await connect(AMQP_URL);
    const channel = await connection.createChannel();
    channel.sendToQueue(queue, Buffer.from('not json'), { persistent: true });
    channel.sendToQueue(queue, Buffer.from(JSON.stringify({ runId: 999_999_999 })), { persistent: true });
    const dead = await waitFor(async () => {
      const { messageCount } = await channel.checkQueue(`${queue}.dead`);
      return messageCount === 2 && messageCount;
    }, 10 * SECOND, 'two dead letters');
    expect(dead).toBe(2);
    expect((await channel.checkQueue(queue)).messageCount).toBe(0);
    await connection.close();
    const metrics = await (await fetch(`${services[0].url}/metrics`)).text();
    expect(metrics).toMatch(/broker_messages_total\{event="dead_lettered"\} 2/);
  });
});
