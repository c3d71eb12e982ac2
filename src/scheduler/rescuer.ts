import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { RunPublisher } from '../broker/run-publisher';
import type { Environment } from '../config/environment';
import { Metrics } from '../observability/metrics';
import { RunStore } from './run-store';

const RESCUE_BATCH = 1_000;

/**
 * Runs whose holder went away: expired leases become abandoned (retried if attempts remain), and in
 * broker mode runs queued for too long are published again (the outbox). The safety tick calls
 * runOnce; it throws when the database is unreachable, for the tick to count and log.
 */
@Injectable()
export class Rescuer {
  private readonly logger = new Logger('Rescuer');
  private readonly brokered: boolean;
  private readonly republishAfterMs: number;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly publisher: RunPublisher,
    private readonly metrics: Metrics,
    config: ConfigService<Environment, true>,
  ) {
    this.brokered = config.get('EXECUTION_MODE', { infer: true }) === 'broker';
    this.republishAfterMs = config.get('QUEUED_REPUBLISH_MS', { infer: true });
  }

  /** One pass; a call while one is going shares it. */
  runOnce(now?: Date): Promise<void> {
    this.running ??= this.rescue(now).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Waits for the pass in progress, if any. */
  async stop(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async rescue(now?: Date): Promise<void> {
    const rescued = await this.store.abandonExpired(RESCUE_BATCH, now);
    this.metrics.abandonedRuns.inc(rescued.abandoned);
    if (rescued.abandoned > 0) {
      this.logger.warn(`abandoned ${rescued.abandoned} runs whose instance stopped renewing their lease; ${rescued.retried} retried`);
    }
    if (this.brokered) await this.republishStale(now);
  }

  /**
   * Only while the queue holds no message waiting for a worker: during a backlog (a claim storm,
   * workers away during a failover) a run queued for long is most likely still in the queue, and
   * publishing every such run again each QUEUED_REPUBLISH_MS multiplied the backlog (5,557 copies
   * after a 10,000-job storm) and starved the scheduler's API. A lost message waits for the drain.
   */
  private async republishStale(now?: Date): Promise<void> {
    const depth = await this.publisher.queueDepth();
    if (depth !== undefined) this.metrics.brokerQueueDepth.set(depth);
    if (depth !== 0) return;
    const stale = await this.store.requeueStale(this.republishAfterMs, RESCUE_BATCH, now);
    if (stale.length > 0) {
      this.logger.warn(`publishing again ${stale.length} runs queued for over ${this.republishAfterMs} ms`);
      await this.publisher.publish(stale, 'republished');
    }
  }
}
