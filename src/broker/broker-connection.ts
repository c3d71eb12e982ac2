import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type Channel, type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import type { Environment } from '../config/environment';
import { redactUrl } from '../database/redact-url';
import { describe } from '../observability/describe-error';
import { InstanceIdentity } from '../scheduler/instance-identity';

const RECONNECT_DELAY_MS = 1_000;

export interface BrokerChannels {
  /** Publisher confirms: a publish resolves once RabbitMQ has the message on disk. */
  publish: ConfirmChannel;
  consume: Channel;
}

/**
 * The RabbitMQ connection of broker mode. It reconnects by itself after an outage; whoever needs
 * the channels asks for them each time (and registers with onReady to set up consumers again).
 */
@Injectable()
export class BrokerConnection implements OnApplicationShutdown {
  private readonly logger = new Logger('Broker');
  private readonly url: string;
  readonly queue: string;
  readonly deadLetterQueue: string;
  private connection: ChannelModel | undefined;
  private channels: BrokerChannels | undefined;
  private readonly readyListeners: ((channels: BrokerChannels) => Promise<void>)[] = [];
  private closing = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failingSince: number | undefined;

  constructor(
    config: ConfigService<Environment, true>,
    private readonly instance: InstanceIdentity,
  ) {
    this.url = config.get('AMQP_URL', { infer: true });
    this.queue = config.get('AMQP_QUEUE', { infer: true });
    this.deadLetterQueue = `${this.queue}.dead`;
  }

  get connected(): boolean {
    return this.channels !== undefined;
  }

  /** The channels, or undefined while the broker is unreachable. */
  current(): BrokerChannels | undefined {
    return this.channels;
  }

  /** Called now if connected, and after every (re)connection. */
  onReady(listener: (channels: BrokerChannels) => Promise<void>): void {
    this.readyListeners.push(listener);
    if (this.channels) void listener(this.channels).catch((error: unknown) => this.logger.error(describe(error)));
  }

  start(): void {
    void this.connect();
  }

  private async connect(): Promise<void> {
    this.reconnectTimer = undefined;
    if (this.closing) return;
    try {
      // Named after the instance, so an operator (or a test) can find it in `rabbitmqctl list_connections`.
      const connection = await connect(this.url, { clientProperties: { connection_name: `scheduler ${this.instance.id}` } });
      connection.on('error', () => undefined);
      connection.on('close', () => this.lost('connection closed'));
      const publish = await connection.createConfirmChannel();
      const consume = await connection.createChannel();
      for (const channel of [publish, consume]) channel.on('error', () => undefined);
      await consume.assertQueue(this.deadLetterQueue, { durable: true });
      await consume.assertQueue(this.queue, {
        durable: true,
        deadLetterExchange: '',
        deadLetterRoutingKey: this.deadLetterQueue,
      });
      this.connection = connection;
      this.channels = { publish, consume };
      this.logger.log(
        `connected to ${redactUrl(this.url)}${this.failingSince ? ` after ${Date.now() - this.failingSince} ms` : ''}; queue ${this.queue}`,
      );
      this.failingSince = undefined;
      for (const listener of this.readyListeners) await listener(this.channels);
    } catch (error) {
      this.lost(describe(error));
    }
  }

  private lost(reason: string): void {
    this.channels = undefined;
    this.connection = undefined;
    if (this.closing || this.reconnectTimer) return;
    if (this.failingSince === undefined) {
      this.failingSince = Date.now();
      this.logger.error(`RabbitMQ unavailable (${reason}); reconnecting every ${RECONNECT_DELAY_MS} ms`);
    }
    this.reconnectTimer = setTimeout(() => void this.connect(), RECONNECT_DELAY_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    await this.connection?.close().catch(() => undefined);
  }
}
