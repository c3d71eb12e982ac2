import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment';
import { BrokerConnection } from '../broker/broker-connection';
import { Metrics } from '../observability/metrics';
import { describe } from '../observability/describe-error';
import { ClaimLoop } from './claim-loop';
import { InFlightRuns } from './in-flight-runs';
import { InstanceIdentity } from './instance-identity';
import { LeaseKeeper } from './lease-keeper';
import { LocalRuns } from './local-runs';
import { Rescuer } from './rescuer';
import { RunConsumer } from './run-consumer';
import { RunInterruption } from './run-interruption';
import { RunPruner } from './run-pruner';
import { RunStore } from './run-store';
import { WakeUp } from './wake-up';

/**
 * Starts and stops the scheduler's pieces in order: the wake-up (timer, listener, safety tick)
 * drives the claim loop, which hands claims to the dispatcher; the safety tick also runs the
 * rescuer. Executing instances (inline, or broker-mode workers) run work here and renew its leases.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Scheduler');
  private readonly environment: Pick<Environment, 'SCHEDULER_ENABLED' | 'SCHEDULER_TICK' | 'SCHEDULER_BATCH_SIZE' | 'SCHEDULER_CONCURRENCY' | 'SHUTDOWN_GRACE_MS'>;
  /** Broker mode: claimed runs are queued and published for workers instead of started here. */
  private readonly brokered: boolean;
  /** This instance executes runs: inline mode with the scheduler on, or a broker-mode worker. */
  private readonly executes: boolean;
  private ticking = false;

  constructor(
    private readonly wakeUp: WakeUp,
    private readonly loop: ClaimLoop,
    private readonly rescuer: Rescuer,
    private readonly local: LocalRuns,
    private readonly inFlight: InFlightRuns,
    private readonly leases: LeaseKeeper,
    private readonly pruner: RunPruner,
    private readonly store: RunStore,
    private readonly instance: InstanceIdentity,
    private readonly metrics: Metrics,
    private readonly broker: BrokerConnection,
    private readonly consumer: RunConsumer,
    config: ConfigService<Environment, true>,
  ) {
    this.environment = {
      SCHEDULER_ENABLED: config.get('SCHEDULER_ENABLED', { infer: true }),
      SCHEDULER_TICK: config.get('SCHEDULER_TICK', { infer: true }),
      SCHEDULER_BATCH_SIZE: config.get('SCHEDULER_BATCH_SIZE', { infer: true }),
      SCHEDULER_CONCURRENCY: config.get('SCHEDULER_CONCURRENCY', { infer: true }),
      SHUTDOWN_GRACE_MS: config.get('SHUTDOWN_GRACE_MS', { infer: true }),
    };
    this.brokered = config.get('EXECUTION_MODE', { infer: true }) === 'broker';
    this.executes = this.brokered ? config.get('WORKER_ENABLED', { infer: true }) : this.enabled;
  }

  get enabled(): boolean {
    return this.environment.SCHEDULER_ENABLED;
  }

  /** Whether this instance executes runs; the readiness check and shutdown use it. */
  get executesRuns(): boolean {
    return this.executes;
  }

  /** When the last claim pass completed; the readiness check reads it. */
  get lastTickAt(): Date | undefined {
    return this.loop.lastPassAt;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.brokered) this.broker.start();
    if (this.executes) this.leases.start();
    if (this.brokered && this.executes) {
      this.consumer.start(this.environment.SCHEDULER_CONCURRENCY, (run) => this.local.start(run));
      this.logger.log(`instance ${this.instance.id} executes runs from RabbitMQ, up to ${this.environment.SCHEDULER_CONCURRENCY} at once`);
    }
    if (!this.enabled) {
      this.logger.log('SCHEDULER_ENABLED=false: this instance does not schedule');
      return;
    }
    if (!this.brokered) this.local.onSlotFreed(() => this.loop.waitingForSlots && void this.loop.runOnce());
    this.loop.start();
    this.pruner.start();
    await this.wakeUp.start({ claim: () => this.loop.runOnce(), safetyTick: () => this.tick() });
    this.logger.log(
      `instance ${this.instance.id} wakes at each due instant and on notices, with a safety tick on "${this.environment.SCHEDULER_TICK}", ` +
        `in ${this.brokered ? 'broker' : 'inline'} mode, ` +
        `concurrency ${this.environment.SCHEDULER_CONCURRENCY}, batch ${this.environment.SCHEDULER_BATCH_SIZE}`,
    );
  }

  /** The safety tick: rescue, then claim. Skipped when the previous one is still going. Never rejects. */
  async tick(now?: Date): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.rescuer.runOnce(now).catch((error: unknown) => this.loop.failed(error));
      await this.loop.runOnce(now);
      this.metrics.ticks.inc();
    } finally {
      this.ticking = false;
    }
  }

  /**
   * Graceful shutdown: claim nothing more, give in-flight runs SHUTDOWN_GRACE_MS to finish, then
   * hand the rest back (abandoned, retried by another instance). Leases are renewed until then.
   */
  async onModuleDestroy(): Promise<void> {
    if (this.enabled) {
      await this.wakeUp.stop();
      this.pruner.stop();
      await this.loop.stop();
      await this.rescuer.stop();
    }
    if (this.brokered && this.executes) await this.consumer.stop();
    if (!this.executes) return;
    if (this.inFlight.size > 0) {
      this.logger.log(`waiting up to ${this.environment.SHUTDOWN_GRACE_MS} ms for ${this.inFlight.size} runs in flight`);
      await this.inFlight.settle(this.environment.SHUTDOWN_GRACE_MS);
    }
    this.leases.stop();
    const unfinished = this.inFlight.ids();
    if (unfinished.length === 0) return;
    unfinished.forEach((id) => this.inFlight.interrupt(id, new RunInterruption('shutdown', 'the instance is shutting down')));
    try {
      const handed = await this.store.handBack({ runIds: unfinished, instanceId: this.instance.id });
      this.logger.warn(`handed back ${handed.abandoned} unfinished runs; ${handed.retried} will be retried by another instance`);
    } catch (error) {
      this.logger.error(`could not hand back ${unfinished.length} runs (their leases will expire instead): ${describe(error)}`);
    }
  }
}
