import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment';
import { BrokerConnection } from '../broker/broker-connection';
import { RunPublisher } from '../broker/run-publisher';
import { Metrics } from '../observability/metrics';
import { RunConsumer } from './run-consumer';
import { InFlightRuns } from './in-flight-runs';
import { InstanceIdentity } from './instance-identity';
import { LeaseKeeper } from './lease-keeper';
import { describe } from '../observability/describe-error';
import { OutageLog } from './outage-log';
import { RunExecutor } from './run-executor';
import { RunInterruption } from './run-interruption';
import { RunPruner } from './run-pruner';
import { RunStore } from './run-store';
import type { ClaimedRun } from './sql/claimed-run';
import { WakeUp } from './wake-up';

const RESCUE_BATCH = 1_000;

/**
 * Claims and starts due work up to this instance's free concurrency, batch after batch while there
 * is more, whenever the wake-up says something may be due; then tells the wake-up when the next
 * thing falls due. The safety tick also rescues abandoned runs first. A run that finishes while a
 * backlog waits frees its slot for the backlog at once.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Scheduler');
  private readonly outage = new OutageLog(this.logger, 'the scheduler tick');
  private readonly environment: Pick<
    Environment,
    | 'SCHEDULER_ENABLED'
    | 'SCHEDULER_TICK'
    | 'SCHEDULER_BATCH_SIZE'
    | 'SCHEDULER_CONCURRENCY'
    | 'SHUTDOWN_GRACE_MS'
    | 'QUEUED_REPUBLISH_MS'
    | 'FAULT_EXIT_BEFORE_PUBLISH'
  >;
  /** Broker mode: claimed runs are queued and published for workers instead of started here. */
  private readonly brokered: boolean;
  /** This instance executes runs: inline mode with the scheduler on, or a broker-mode worker. */
  private readonly executes: boolean;
  private ticking = false;
  private draining: Promise<void> | undefined;
  private drainAgain = false;
  private backlog = false;
  private wakeScheduled = false;
  private stopping = false;
  private claimedThisPass = 0;
  /** When the last claim pass completed; the readiness check reads it. */
  lastTickAt: Date | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly executor: RunExecutor,
    private readonly inFlight: InFlightRuns,
    private readonly leases: LeaseKeeper,
    private readonly pruner: RunPruner,
    private readonly instance: InstanceIdentity,
    private readonly wakeUp: WakeUp,
    private readonly metrics: Metrics,
    private readonly broker: BrokerConnection,
    private readonly publisher: RunPublisher,
    private readonly consumer: RunConsumer,
    config: ConfigService<Environment, true>,
  ) {
    this.environment = {
      SCHEDULER_ENABLED: config.get('SCHEDULER_ENABLED', { infer: true }),
      SCHEDULER_TICK: config.get('SCHEDULER_TICK', { infer: true }),
      SCHEDULER_BATCH_SIZE: config.get('SCHEDULER_BATCH_SIZE', { infer: true }),
      SCHEDULER_CONCURRENCY: config.get('SCHEDULER_CONCURRENCY', { infer: true }),
      SHUTDOWN_GRACE_MS: config.get('SHUTDOWN_GRACE_MS', { infer: true }),
      QUEUED_REPUBLISH_MS: config.get('QUEUED_REPUBLISH_MS', { infer: true }),
      FAULT_EXIT_BEFORE_PUBLISH: config.get('FAULT_EXIT_BEFORE_PUBLISH', { infer: true }),
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

  async onApplicationBootstrap(): Promise<void> {
    if (this.brokered) this.broker.start();
    if (this.executes) this.leases.start();
    if (this.brokered && this.executes) {
      this.consumer.start(this.environment.SCHEDULER_CONCURRENCY, (run) => this.start(run));
      this.logger.log(`instance ${this.instance.id} executes runs from RabbitMQ, up to ${this.environment.SCHEDULER_CONCURRENCY} at once`);
    }
    if (!this.enabled) {
      this.logger.log('SCHEDULER_ENABLED=false: this instance does not schedule');
      return;
    }
    this.pruner.start();
    await this.wakeUp.start({ claim: () => this.claim(), safetyTick: () => this.tick() });
    this.logger.log(
      `instance ${this.instance.id} wakes at each due instant and on notices, with a safety tick on "${this.environment.SCHEDULER_TICK}", ` +
        `in ${this.brokered ? 'broker' : 'inline'} mode, ` +
        `concurrency ${this.environment.SCHEDULER_CONCURRENCY}, batch ${this.environment.SCHEDULER_BATCH_SIZE}`,
    );
  }

  /** The safety tick: rescue, then claim. Skipped when the previous one is still going. Never rejects. */
  async tick(): Promise<void> {
    if (this.ticking || this.stopping) return;
    this.ticking = true;
    try {
      const rescued = await this.store.abandonExpired(RESCUE_BATCH);
      this.metrics.abandonedRuns.inc(rescued.abandoned);
      if (rescued.abandoned > 0) {
        this.logger.warn(`abandoned ${rescued.abandoned} runs whose instance stopped renewing their lease; ${rescued.retried} retried`);
      }
      if (this.brokered) await this.republishStale();
      await this.claimOrThrow();
      this.metrics.ticks.inc();
    } catch (error) {
      this.metrics.tickErrors.inc();
      this.outage.failed(error);
    } finally {
      this.ticking = false;
    }
  }

  /** A wake-up: claim what is due, then arm the timer for what falls due next. Never rejects. */
  async claim(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.claimOrThrow();
    } catch (error) {
      this.metrics.tickErrors.inc();
      this.outage.failed(error);
    }
  }

  private async claimOrThrow(): Promise<void> {
    this.claimedThisPass = 0;
    await this.drain();
    this.metrics.claimedPerTick.observe(this.claimedThisPass);
    this.outage.succeeded();
    this.lastTickAt = new Date();
  }

  /** Claims work until nothing more is due or every slot is taken; concurrent calls share one loop. */
  private drain(): Promise<void> {
    if (this.draining) {
      this.drainAgain = true;
      return this.draining;
    }
    this.draining = (async () => {
      try {
        do {
          this.drainAgain = false;
          await this.claimUntilFullOrEmpty();
        } while (this.drainAgain && !this.stopping);
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  /** Inline: as many as free slots allow. Broker: a full batch; workers pace themselves. */
  private capacity(): number {
    const { SCHEDULER_BATCH_SIZE: batch, SCHEDULER_CONCURRENCY: concurrency } = this.environment;
    return this.brokered ? batch : Math.min(batch, concurrency - this.inFlight.size);
  }

  /** Claims in due order until a claim leaves nothing due (then arms the timer) or every slot is taken. */
  private async claimUntilFullOrEmpty(): Promise<void> {
    while (!this.stopping) {
      const limit = this.capacity();
      if (limit <= 0) return this.markBacklog();
      const claim = await this.store.claim(limit, this.instance.id);
      await this.dispatch(claim.runs);
      if (claim.next) {
        this.backlog = false;
        this.wakeUp.arm(claim.next);
        return;
      }
    }
  }

  /** Claimed runs are committed: start them here, or hand them to the workers. */
  private async dispatch(runs: ClaimedRun[]): Promise<void> {
    this.claimedThisPass += runs.length;
    if (!this.brokered) {
      runs.forEach((run) => void this.start(run));
      return;
    }
    if (runs.length > 0 && this.environment.FAULT_EXIT_BEFORE_PUBLISH) {
      this.logger.warn(`FAULT_EXIT_BEFORE_PUBLISH: exiting with ${runs.length} runs committed but not published`);
      process.exit(86);
    }
    await this.publisher.publish(runs.map((run) => run.id));
  }

  /** The outbox: runs queued long ago without a worker taking them are published again. */
  private async republishStale(): Promise<void> {
    const stale = await this.store.requeueStale(this.environment.QUEUED_REPUBLISH_MS, RESCUE_BATCH);
    if (stale.length > 0) {
      this.logger.warn(`publishing again ${stale.length} runs queued for over ${this.environment.QUEUED_REPUBLISH_MS} ms`);
      await this.publisher.publish(stale, 'republished');
    }
    const depth = await this.publisher.queueDepth();
    if (depth !== undefined) this.metrics.brokerQueueDepth.set(depth);
  }

  private markBacklog(): void {
    this.backlog = true;
  }

  /** Executes a run here; resolves once its outcome is recorded (or it was handed over). */
  private start(run: ClaimedRun): Promise<void> {
    const controller = new AbortController();
    const done = this.executor.execute(run, controller).catch((error: unknown) => {
      this.logger.error(`run ${run.id} of job ${run.jobId} crashed the executor: ${describe(error)}`);
    });
    this.inFlight.add(run.id, controller, done);
    this.metrics.runsInFlight.set(this.inFlight.size);
    return done.then(() => {
      this.metrics.runsInFlight.set(this.inFlight.size);
      if (this.backlog && !this.stopping) this.wakeOnceSettled();
    });
  }

  /**
   * Outcomes are recorded in groups, so runs finish many at a time: one claim after all of them
   * have freed their slots, rather than a claim of one run for the first and another for the rest.
   */
  private wakeOnceSettled(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      void this.claim();
    });
  }

  /**
   * Graceful shutdown: claim nothing more, give in-flight runs SHUTDOWN_GRACE_MS to finish, then
   * hand the rest back (abandoned, retried by another instance). Leases are renewed until then.
   */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.enabled) {
      await this.wakeUp.stop();
      this.pruner.stop();
      await this.draining?.catch(() => undefined);
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
