import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment';
import { PrismaService } from '../database/prisma.service';
import { Metrics } from '../observability/metrics';
import { OutageLog } from '../scheduler/outage-log';
import { AlertSender, DeliveryFailed } from './alert-sender';
import { claimDeliveries, type ClaimedDelivery, type Settlement, settleDelivery } from './sql/delivery-queue';

const BATCH = 50;
/** A retry's timer fires this long after the delivery is due again, so that it finds it due. */
const RETRY_MARGIN_MS = 100;

export interface DeliveryPass {
  claimed: number;
  delivered: number;
  retried: number;
  undeliverable: number;
  /** How soon the earliest delivery this pass put back for a retry is due again, or null. */
  nextRetryInMs: number | null;
}

/**
 * Delivers the outbox: claims due deliveries (SKIP LOCKED, so every scheduling instance takes a
 * share), sends each, and records the result: delivered, retried later with a doubling backoff,
 * or undeliverable after ALERT_MAX_ATTEMPTS. An instance that dies mid-attempt leaves its
 * deliveries to be claimed again when their lease ends.
 *
 * It looks when told that alerts were put in the outbox (wake, on a notification from the writing
 * transaction, on any instance), when a retry of its own falls due, and at the latest every
 * ALERT_POLL_MS, which covers a notification lost while not listening and the deliveries of an
 * instance that died. Tests call runOnce with their own clock.
 */
@Injectable()
export class AlertDeliverer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AlertDeliverer');
  private readonly outage = new OutageLog(this.logger, 'delivering alerts');
  private readonly enabled: boolean;
  private readonly pollMs: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly leaseMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<DeliveryPass> | undefined;
  private wokenDuringPass = false;
  private stopped = true;

  constructor(
    private readonly prisma: PrismaService,
    private readonly sender: AlertSender,
    private readonly metrics: Metrics,
    config: ConfigService<Environment, true>,
  ) {
    this.enabled = config.get('SCHEDULER_ENABLED', { infer: true });
    this.pollMs = config.get('ALERT_POLL_MS', { infer: true });
    this.maxAttempts = config.get('ALERT_MAX_ATTEMPTS', { infer: true });
    this.backoffMs = config.get('ALERT_RETRY_BACKOFF_MS', { infer: true });
    // Past its timeout an attempt has ended one way or the other; the margin covers recording it.
    this.leaseMs = config.get('ALERT_TIMEOUT_MS', { infer: true }) * 2 + 5_000;
  }

  onApplicationBootstrap(): void {
    if (this.enabled) this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Deliveries were put in the outbox: look now, or right after the pass under way. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.wokenDuringPass = true;
    else this.schedule(0);
  }

  /** One pass over the due deliveries, at most BATCH of them; a call while one is going shares it. Never rejects. */
  runOnce(now?: Date): Promise<DeliveryPass> {
    this.running ??= this.deliverDue(now ?? null).finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pass(), delayMs);
  }

  private async pass(): Promise<void> {
    this.wokenDuringPass = false;
    const pass = await this.runOnce();
    this.schedule(this.nextPassInMs(pass));
  }

  /** At once while there may be more, else when this pass's earliest retry is due, and at the latest after ALERT_POLL_MS. */
  private nextPassInMs(pass: DeliveryPass): number {
    if (pass.claimed === BATCH || this.wokenDuringPass) return 0;
    return pass.nextRetryInMs === null ? this.pollMs : Math.min(this.pollMs, pass.nextRetryInMs + RETRY_MARGIN_MS);
  }

  private async deliverDue(now: Date | null): Promise<DeliveryPass> {
    const pass: DeliveryPass = { claimed: 0, delivered: 0, retried: 0, undeliverable: 0, nextRetryInMs: null };
    try {
      const deliveries = await claimDeliveries(this.prisma.pool, BATCH, this.leaseMs, now);
      pass.claimed = deliveries.length;
      const settlements = await Promise.all(deliveries.map((delivery) => this.attempt(delivery, now)));
      for (const settlement of settlements) {
        if (!settlement) continue;
        pass[settlement.outcome] += 1;
        if (settlement.outcome === 'retried') pass.nextRetryInMs = Math.min(pass.nextRetryInMs ?? Infinity, settlement.retryInMs);
      }
      this.outage.succeeded();
    } catch (error) {
      this.outage.failed(error);
    }
    return pass;
  }

  /** The attempt's settlement, or null when its lease was taken over before it could be recorded. */
  private async attempt(delivery: ClaimedDelivery, now: Date | null): Promise<Settlement | null> {
    const settlement = await this.send(delivery);
    if (!(await settleDelivery(this.prisma.pool, delivery, settlement, now))) return null;
    this.metrics.alertDeliveries.inc({ outcome: settlement.outcome });
    if (settlement.outcome === 'undeliverable') {
      this.logger.warn(`alert ${delivery.eventKey} to target ${describeTarget(delivery)} is undeliverable after ${delivery.attempts} attempts: ${settlement.error}`);
    }
    return settlement;
  }

  private async send(delivery: ClaimedDelivery): Promise<Settlement> {
    try {
      return { outcome: 'delivered', responseStatus: await this.sender.send(delivery) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const responseStatus = error instanceof DeliveryFailed ? error.responseStatus : null;
      if (delivery.attempts >= this.maxAttempts) return { outcome: 'undeliverable', error: message, responseStatus };
      return { outcome: 'retried', error: message, responseStatus, retryInMs: this.backoffMs * 2 ** (delivery.attempts - 1) };
    }
  }
}

function describeTarget({ target }: ClaimedDelivery): string {
  return 'email' in target ? target.email : new URL(target.url).host;
}
