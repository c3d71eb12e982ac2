import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Clock } from '../clock/clock';
import type { Environment } from '../config/environment';
import { Metrics } from '../observability/metrics';
import { Dispatcher } from './dispatcher';
import { InstanceIdentity } from './instance-identity';
import { OutageLog } from './outage-log';
import { RunStore } from './run-store';
import { WakeUp } from './wake-up';

/**
 * Claims due work while there is capacity and work, hands each claim to the dispatcher, and arms the
 * wake-up with what falls due next once a claim leaves nothing due. Calls while a pass is going
 * share it (and make it claim once more). With every slot taken it stops: a freed slot calls it again.
 */
@Injectable()
export class ClaimLoop {
  private readonly logger = new Logger('ClaimLoop');
  /** One outage log for every claim of this instance (timer, notice, safety tick): an outage is logged once. */
  private readonly outage = new OutageLog(this.logger, 'the scheduler tick');
  private readonly batch: number;
  private draining: Promise<void> | undefined;
  private drainAgain = false;
  private stopping = false;
  private full = false;
  /** When the last pass completed; the readiness check reads it. */
  lastPassAt: Date | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly dispatcher: Dispatcher,
    private readonly wakeUp: WakeUp,
    private readonly instance: InstanceIdentity,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    config: ConfigService<Environment, true>,
  ) {
    this.batch = config.get('SCHEDULER_BATCH_SIZE', { infer: true });
  }

  start(): void {
    this.stopping = false;
  }

  /** The last pass stopped with every slot taken and work perhaps left: a freed slot should claim. */
  get waitingForSlots(): boolean {
    return this.full;
  }

  /** Claims nothing more; waits for the pass in progress. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.draining?.catch(() => undefined);
  }

  /** One pass, counted and logged on failure; never rejects. `now` is the claim's clock (the database's by default). */
  async runOnce(now?: Date): Promise<void> {
    try {
      await this.runOrThrow(now);
    } catch (error) {
      this.failed(error);
    }
  }

  /** Counts and logs (once per outage) a failure of the work around a claim, such as the rescuer's. */
  failed(error: unknown): void {
    this.metrics.tickErrors.inc();
    this.outage.failed(error);
  }

  /** One pass; rejects when the database is unreachable. */
  private async runOrThrow(now?: Date): Promise<void> {
    if (this.stopping) return;
    await this.drain(now);
    this.outage.succeeded();
    this.lastPassAt = this.clock.now();
  }

  /** One pass, observed once in scheduler_tick_claimed_runs however many callers share it. */
  private drain(now?: Date): Promise<void> {
    if (this.draining) {
      this.drainAgain = true;
      return this.draining;
    }
    this.draining = (async () => {
      const claimed = { runs: 0 };
      try {
        do {
          this.drainAgain = false;
          await this.claimUntilFullOrEmpty(claimed, now);
        } while (this.drainAgain && !this.stopping);
      } finally {
        this.metrics.claimedPerTick.observe(claimed.runs);
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  private async claimUntilFullOrEmpty(claimed: { runs: number }, now?: Date): Promise<void> {
    while (!this.stopping) {
      const limit = this.dispatcher.capacity(this.batch);
      this.full = limit <= 0;
      if (this.full) return;
      const claim = await this.store.claim(limit, this.instance.id, now);
      claimed.runs += claim.runs.length;
      await this.dispatcher.dispatch(claim.runs);
      if (claim.next) {
        this.wakeUp.arm(claim.next);
        return;
      }
    }
  }
}
