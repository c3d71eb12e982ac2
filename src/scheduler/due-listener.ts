import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { ALERT_CHANNEL } from '../due-notices/alert-notice';
import { CANCEL_CHANNEL, parseCancelNotice } from '../due-notices/cancel-notice';
import { DUE_CHANNEL, parseDueNotice } from '../due-notices/due-notice';
import { OutageLog } from './outage-log';

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 15_000;

export interface DueListenerEvents {
  /** Something falls due at `at`. */
  notice(at: Date): void;
  /** A run was cancelled through the API; whoever executes it should stop it. */
  cancelled(runId: number): void;
  /** Alerts were put in the outbox: whoever delivers them should look now. */
  alertsDue(): void;
  /** Listening (again): notices sent while away are lost, so whatever is due must be read afresh. */
  listening(): void;
}

/**
 * One connection of its own (never from the API's or the claims' pool, which would hand it to
 * someone else) that LISTENs on the due, cancel and alert channels. When the connection dies it reconnects with a
 * growing delay, logging the outage once; meanwhile the safety tick still claims.
 */
export class DueListener {
  private readonly logger = new Logger('DueListener');
  private readonly outage = new OutageLog(this.logger, 'listening for due notices');
  private client: Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectDelayMs = RECONNECT_MIN_MS;
  private connecting: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly url: string,
    private readonly events: DueListenerEvents,
  ) {}

  get listening(): boolean {
    return this.client !== undefined;
  }

  start(): Promise<void> {
    this.stopped = false;
    return this.runOnce();
  }

  /** One attempt to connect and listen, unless already listening. */
  runOnce(): Promise<void> {
    if (this.stopped || this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: 'scheduler-listener' });
    // Attached before connecting: an error with no listener would end the process.
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the connection ended')));
    client.on('notification', (message) => {
      const at = message.channel === DUE_CHANNEL ? parseDueNotice(message.payload) : undefined;
      if (at) this.events.notice(at);
      const cancelled = message.channel === CANCEL_CHANNEL ? parseCancelNotice(message.payload) : undefined;
      if (cancelled !== undefined) this.events.cancelled(cancelled);
      if (message.channel === ALERT_CHANNEL) this.events.alertsDue();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${DUE_CHANNEL}; LISTEN ${CANCEL_CHANNEL}; LISTEN ${ALERT_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.outage.failed(error);
      this.scheduleReconnect();
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectDelayMs = RECONNECT_MIN_MS;
    this.outage.succeeded();
    this.events.listening();
  }

  private lost(client: Client, error: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    if (this.stopped) return;
    this.outage.failed(error);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.runOnce(), this.reconnectDelayMs);
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, RECONNECT_MAX_MS);
  }
}
