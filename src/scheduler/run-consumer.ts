import { Injectable, Logger } from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import { Metrics } from '../observability/metrics';
import { BrokerConnection, type BrokerChannels } from '../broker/broker-connection';
import { InstanceIdentity } from './instance-identity';
import { OutageLog } from './outage-log';
import { RunStore } from './run-store';
import type { ClaimedRun } from './sql/claimed-run';

type Execute = (run: ClaimedRun) => Promise<void>;

/**
 * How long a message that could not be started (the database unreachable) is held before it goes
 * back to the queue: RabbitMQ redelivers a requeued message at once, so without a pause an outage
 * is a loop of redeliveries, each failing again.
 */
export const REQUEUE_DELAY_MS = 1_000;

/**
 * Acknowledging on a channel that closed meanwhile (a broker restart) throws; RabbitMQ then
 * redelivers the message, which finds its run no longer queued and is skipped.
 */
function settle(acknowledge: () => void): void {
  try {
    acknowledge();
  } catch {
    // The channel is gone; redelivery takes care of the message.
  }
}

function parseRunId(message: ConsumeMessage): number | undefined {
  try {
    const { runId } = JSON.parse(message.content.toString()) as { runId?: unknown };
    return Number.isSafeInteger(runId) && (runId as number) > 0 ? (runId as number) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A worker's side of broker mode. It takes at most its concurrency in unacknowledged messages, starts
 * a run only through the queued → running update, and acknowledges a message once the outcome is
 * written. A message naming a run that is no longer queued (redelivered, published twice) is
 * acknowledged and skipped; one that cannot be parsed or names no run is dead-lettered.
 */
@Injectable()
export class RunConsumer {
  private readonly logger = new Logger('RunConsumer');
  private readonly outage = new OutageLog(this.logger, 'taking runs from the queue');
  private consumerTag: string | undefined;
  private channel: Channel | undefined;

  constructor(
    private readonly broker: BrokerConnection,
    private readonly store: RunStore,
    private readonly instance: InstanceIdentity,
    private readonly metrics: Metrics,
  ) {}

  start(prefetch: number, execute: Execute): void {
    this.broker.onReady((channels) => this.consume(channels, prefetch, execute));
  }

  /** Stops taking messages; runs in flight go on, and their messages are acknowledged as they end. */
  async stop(): Promise<void> {
    if (this.channel && this.consumerTag) await this.channel.cancel(this.consumerTag).catch(() => undefined);
    this.consumerTag = undefined;
  }

  private async consume({ consume }: BrokerChannels, prefetch: number, execute: Execute): Promise<void> {
    this.channel = consume;
    await consume.prefetch(prefetch);
    const { consumerTag } = await consume.consume(this.broker.queue, (message) => {
      if (message) void this.handle(consume, message, execute);
    });
    this.consumerTag = consumerTag;
  }

  private async handle(channel: Channel, message: ConsumeMessage, execute: Execute): Promise<void> {
    const runId = parseRunId(message);
    try {
      if (runId === undefined) return this.deadLetter(channel, message, 'not a {"runId": <positive integer>} message');
      const { run, exists } = await this.store.startQueued(runId, this.instance.id);
      this.outage.succeeded();
      if (!run && !exists) return this.deadLetter(channel, message, `run ${runId} does not exist`);
      if (!run) {
        this.metrics.brokerMessages.inc({ event: 'skipped' });
        return settle(() => channel.ack(message));
      }
      this.metrics.brokerMessages.inc({ event: 'consumed' });
      await execute(run);
      settle(() => channel.ack(message));
    } catch (error) {
      // The database is unreachable: the message goes back to the queue for another try, after a
      // pause; logged once per outage, not once per message.
      this.outage.failed(error);
      await new Promise((resolve) => setTimeout(resolve, REQUEUE_DELAY_MS));
      settle(() => channel.nack(message, false, true));
    }
  }

  private deadLetter(channel: Channel, message: ConsumeMessage, reason: string): void {
    this.logger.warn(`dead-lettering a message: ${reason}`);
    this.metrics.brokerMessages.inc({ event: 'dead_lettered' });
    settle(() => channel.nack(message, false, false));
  }
}
