import { Logger } from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { BrokerChannels, BrokerConnection } from '../broker/broker-connection';
import { Metrics } from '../observability/metrics';
import { REQUEUE_DELAY_MS, RunConsumer } from './run-consumer';
import type { RunStore } from './run-store';

/**
 * Found by the fault suite (bench/faults, postgres-restarted in broker mode): while PostgreSQL was
 * down, each worker requeued every message at once, RabbitMQ redelivered it at once, and a 5 s outage
 * was some 850 warnings per worker and a redelivery loop.
 */
describe('RunConsumer while the database is unreachable', () => {
  let deliver: (message: ConsumeMessage) => void;
  let channel: { prefetch: jest.Mock; consume: jest.Mock; ack: jest.Mock; nack: jest.Mock; cancel: jest.Mock };
  let startQueued: jest.Mock;
  let logged: jest.SpyInstance;

  const message = (runId: number) => ({ content: Buffer.from(JSON.stringify({ runId })) }) as ConsumeMessage;

  beforeEach(() => {
    jest.useFakeTimers();
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    channel = {
      prefetch: jest.fn().mockResolvedValue(undefined),
      consume: jest.fn((_queue: string, onMessage: (message: ConsumeMessage) => void) => {
        deliver = onMessage;
        return Promise.resolve({ consumerTag: 'tag' });
      }),
      ack: jest.fn(),
      nack: jest.fn(),
      cancel: jest.fn().mockResolvedValue(undefined),
    };
    const broker = {
      queue: 'runs',
      onReady: (listener: (channels: BrokerChannels) => Promise<void>) =>
        void listener({ consume: channel as unknown as Channel, publish: {} as BrokerChannels['publish'] }),
    } as unknown as BrokerConnection;
    startQueued = jest.fn().mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    const consumer = new RunConsumer(broker, { startQueued } as unknown as RunStore, { id: 'worker' }, new Metrics());
    consumer.start(10, () => Promise.resolve());
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('holds each message a moment before requeueing it, and logs the outage once', async () => {
    await jest.advanceTimersByTimeAsync(0);
    for (const runId of [1, 2, 3]) deliver(message(runId));
    await jest.advanceTimersByTimeAsync(REQUEUE_DELAY_MS - 1);
    expect(channel.nack).not.toHaveBeenCalled();

    await jest.advanceTimersByTimeAsync(1);
    expect(channel.nack).toHaveBeenCalledTimes(3);
    expect(channel.nack).toHaveBeenCalledWith(expect.anything(), false, true);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged.mock.calls[0][0]).toContain('taking runs from the queue failed');
  });

  it('starts runs again, and says so, once the database answers', async () => {
    await jest.advanceTimersByTimeAsync(0);
    deliver(message(1));
    await jest.advanceTimersByTimeAsync(REQUEUE_DELAY_MS);
    startQueued.mockResolvedValue({ run: null, exists: true });
    deliver(message(1));
    await jest.advanceTimersByTimeAsync(0);

    expect(channel.ack).toHaveBeenCalledTimes(1);
    expect(Logger.prototype.log).toHaveBeenCalledWith(expect.stringContaining('taking runs from the queue works again'));
  });
});
