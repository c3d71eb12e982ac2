import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { Environment } from '../config/environment';
import { Metrics } from '../observability/metrics';
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

const TICK_JOB = 'scheduler-tick';
const RESCUE_BATCH = 1_000;

/**
 * The tick: rescue abandoned runs, then claim and start due work up to this instance's free
 * concurrency, batch after batch while there is more. Ticks of one instance never overlap, and a
 * run that finishes while a backlog waits frees its slot for the backlog at once.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Scheduler');
  private readonly outage = new OutageLog(this.logger, 'the scheduler tick');
  private readonly environment: Pick<
    Environment,
    'SCHEDULER_ENABLED' | 'SCHEDULER_TICK' | 'SCHEDULER_BATCH_SIZE' | 'SCHEDULER_CONCURRENCY' | 'SHUTDOWN_GRACE_MS'
  >;
  private ticking = false;
  private draining: Promise<void> | undefined;
  private drainAgain = false;
  private backlog = false;
  private stopping = false;
  private startedThisTick = 0;
  /** When the last tick completed; the readiness check reads it. */
  lastTickAt: Date | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly executor: RunExecutor,
    private readonly inFlight: InFlightRuns,
    private readonly leases: LeaseKeeper,
    private readonly pruner: RunPruner,
    private readonly instance: InstanceIdentity,
    private readonly registry: SchedulerRegistry,
    private readonly metrics: Metrics,
    config: ConfigService<Environment, true>,
  ) {
    this.environment = {
      SCHEDULER_ENABLED: config.get('SCHEDULER_ENABLED', { infer: true }),
      SCHEDULER_TICK: config.get('SCHEDULER_TICK', { infer: true }),
      SCHEDULER_BATCH_SIZE: config.get('SCHEDULER_BATCH_SIZE', { infer: true }),
      SCHEDULER_CONCURRENCY: config.get('SCHEDULER_CONCURRENCY', { infer: true }),
      SHUTDOWN_GRACE_MS: config.get('SHUTDOWN_GRACE_MS', { infer: true }),
    };
  }

  get enabled(): boolean {
    return this.environment.SCHEDULER_ENABLED;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) {
      this.logger.log('SCHEDULER_ENABLED=false: this instance serves the API only');
      return;
    }
    const job = CronJob.from({ cronTime: this.environment.SCHEDULER_TICK, onTick: () => void this.tick(), start: true });
    this.registry.addCronJob(TICK_JOB, job);
    this.leases.start();
    this.pruner.start();
    this.logger.log(
      `instance ${this.instance.id} ticks on "${this.environment.SCHEDULER_TICK}", ` +
        `concurrency ${this.environment.SCHEDULER_CONCURRENCY}, batch ${this.environment.SCHEDULER_BATCH_SIZE}`,
    );
  }

  /** One tick; skipped when the previous one is still going. Never rejects. */
  async tick(): Promise<void> {
    if (this.ticking || this.stopping) return;
    this.ticking = true;
    this.startedThisTick = 0;
    try {
      const rescued = await this.store.abandonExpired(RESCUE_BATCH);
      this.metrics.abandonedRuns.inc(rescued.abandoned);
      if (rescued.abandoned > 0) {
        this.logger.warn(`abandoned ${rescued.abandoned} runs whose instance stopped renewing their lease; ${rescued.retried} retried`);
      }
      await this.drain();
      this.outage.succeeded();
      this.lastTickAt = new Date();
      this.metrics.ticks.inc();
      this.metrics.claimedPerTick.observe(this.startedThisTick);
    } catch (error) {
      this.metrics.tickErrors.inc();
      this.outage.failed(error);
    } finally {
      this.ticking = false;
    }
  }

  /** Starts pending work now rather than at the next tick (a run asked for through the API). */
  wake(): void {
    if (this.enabled && !this.stopping) this.drain().catch((error: unknown) => this.outage.failed(error));
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

  private async claimUntilFullOrEmpty(): Promise<void> {
    const { SCHEDULER_BATCH_SIZE: batch, SCHEDULER_CONCURRENCY: concurrency } = this.environment;
    while (!this.stopping) {
      const pendingLimit = Math.min(batch, concurrency - this.inFlight.size);
      if (pendingLimit <= 0) return this.markBacklog();
      const pending = await this.store.claimPending(pendingLimit, this.instance.id);
      pending.forEach((run) => this.start(run));
      const dueLimit = Math.min(batch, concurrency - this.inFlight.size);
      if (dueLimit <= 0) return this.markBacklog();
      const due = await this.store.claimDue(dueLimit, this.instance.id);
      due.runs.forEach((run) => this.start(run));
      // A claim moves each job one occurrence on, so a job that fell behind may be due again:
      // only a claim that finds nothing at all means the backlog is drained.
      if (pending.length === 0 && due.selected === 0) {
        this.backlog = false;
        return;
      }
    }
  }

  private markBacklog(): void {
    this.backlog = true;
  }

  private start(run: ClaimedRun): void {
    const controller = new AbortController();
    const done = this.executor.execute(run, controller).catch((error: unknown) => {
      this.logger.error(`run ${run.id} of job ${run.jobId} crashed the executor: ${describe(error)}`);
    });
    this.inFlight.add(run.id, controller, done);
    this.startedThisTick += 1;
    this.metrics.runsInFlight.set(this.inFlight.size);
    void done.then(() => {
      this.metrics.runsInFlight.set(this.inFlight.size);
      if (this.backlog && !this.stopping) this.wake();
    });
  }

  /**
   * Graceful shutdown: claim nothing more, give in-flight runs SHUTDOWN_GRACE_MS to finish, then
   * hand the rest back (abandoned, retried by another instance). Leases are renewed until then.
   */
  async onModuleDestroy(): Promise<void> {
    if (!this.enabled) return;
    this.stopping = true;
    await this.registry.getCronJob(TICK_JOB).stop();
    this.pruner.stop();
    await this.draining?.catch(() => undefined);
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
