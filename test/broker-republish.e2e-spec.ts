import { type ChannelModel, connect } from 'amqplib';
import { BrokerConnection } from '../src/broker/broker-connection';
import { Rescuer } from '../src/scheduler/rescuer';
import { deleteBrokerQueues, LOCAL_AMQP_URL, uniqueQueueName } from './support/rabbitmq';
import { startTestApp, type TestApp } from './support/test-app';
import { withClient } from './support/test-server';
import { waitFor } from './support/wait-for';

/**
 * The outbox publishes again a run queued for long, but not while messages wait in the queue: then
 * the run's own message is most likely among them, and a copy per run per QUEUED_REPUBLISH_MS
 * multiplied the backlog of a claim storm during a failover.
 */
describe('republishing runs queued for long, in broker mode', () => {
  const queue = uniqueQueueName('republish');
  let t: TestApp;
  let broker: ChannelModel;
  const sql = <T>(text: string, values: unknown[] = []) =>
    withClient(t.database.url, async (client) => (await client.query(text, values)).rows as T[]);
  const depth = async () => {
    const channel = await broker.createChannel();
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } finally {
      await channel.close();
    }
  };

  beforeAll(async () => {
    t = await startTestApp({
      EXECUTION_MODE: 'broker',
      AMQP_URL: LOCAL_AMQP_URL,
      AMQP_QUEUE: queue,
      SCHEDULER_ENABLED: 'false',
      WORKER_ENABLED: 'false',
      QUEUED_REPUBLISH_MS: '1000',
    });
    const connection = t.app.get(BrokerConnection);
    if (!connection.connected) connection.start();
    await waitFor(async () => connection.connected, 30_000, 'the broker connection');
    broker = await connect(LOCAL_AMQP_URL);
  }, 120_000);
  afterAll(async () => {
    await broker?.close();
    await t?.close();
    await deleteBrokerQueues(queue);
  });

  it('waits while the queue holds messages, and publishes the stale runs again once it is empty', async () => {
    const [job] = await sql<{ id: number }>("INSERT INTO jobs (name, schedule, updated_at) VALUES ('stale queued', '0 0 1 1 *', now()) RETURNING id");
    const runs = await sql<{ id: string }>(
      `INSERT INTO job_runs (job_id, scheduled_for, attempt, status, run_at)
       SELECT $1, now() - g * interval '1 minute', 1, 'queued', now() - interval '10 seconds' FROM generate_series(1, 2) g RETURNING id`,
      [job.id],
    );
    const channel = await broker.createConfirmChannel();
    channel.sendToQueue(queue, Buffer.from(JSON.stringify({ runId: Number(runs[0].id) })), { persistent: true });
    await channel.waitForConfirms();
    await channel.close();
    const rescuer = t.app.get(Rescuer);

    await rescuer.runOnce();
    expect(await depth()).toBe(1);

    const purging = await broker.createChannel();
    await purging.purgeQueue(queue);
    await purging.close();
    await rescuer.runOnce();
    expect(await depth()).toBe(2);
  }, 60_000);
});
