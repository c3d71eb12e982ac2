import { Injectable, Logger } from '@nestjs/common';
import { Metrics } from '../observability/metrics';
import { OutageLog } from '../scheduler/outage-log';
import { BrokerConnection } from './broker-connection';

/** Publishes run ids to the durable queue, persistent, and waits for RabbitMQ's confirms. */
@Injectable()
export class RunPublisher {
  private readonly outage = new OutageLog(new Logger('RunPublisher'), 'publishing runs to RabbitMQ');

  constructor(
    private readonly broker: BrokerConnection,
    private readonly metrics: Metrics,
  ) {}

  /**
   * False when the runs could not be handed to the broker; they stay queued in the database and
   * the republisher sends them again later, so nothing is lost.
   */
  async publish(runIds: number[], counter: 'published' | 'republished' = 'published'): Promise<boolean> {
    if (runIds.length === 0) return true;
    const channel = this.broker.current()?.publish;
    try {
      if (!channel) throw new Error('not connected');
      for (const runId of runIds) {
        channel.sendToQueue(this.broker.queue, Buffer.from(JSON.stringify({ runId })), {
          persistent: true,
          contentType: 'application/json',
        });
      }
      await channel.waitForConfirms();
      this.metrics.brokerMessages.inc({ event: counter }, runIds.length);
      this.outage.succeeded();
      return true;
    } catch (error) {
      this.outage.failed(error);
      return false;
    }
  }

  /** Messages waiting in the queue, or undefined when the broker is unreachable. */
  async queueDepth(): Promise<number | undefined> {
    const channel = this.broker.current()?.publish;
    if (!channel) return undefined;
    return channel
      .checkQueue(this.broker.queue)
      .then((queue) => queue.messageCount)
      .catch(() => undefined);
  }
}
