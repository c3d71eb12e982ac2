import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Clock } from '../clock/clock';
import { JobTypeRegistry } from '../job-types/job-type.registry';
import { truncate } from '../job-types/output';
import { InstanceIdentity } from './instance-identity';
import { retryDelayMs } from './retry-policy';
import { RunInterruption } from './run-interruption';
import { RunStore } from './run-store';
import type { ClaimedRun } from './sql/claimed-run';
import type { RunOutcome } from './sql/finish-run';
import { describe } from '../observability/describe-error';
import { Metrics } from '../observability/metrics';
import { createRunLogger, type RunLogger } from '../observability/run-logger';

const FINISH_RETRY_LIMIT_MS = 30_000;

/** Rejects when `signal` aborts, so a strategy that ignores its signal cannot hold a run past its timeout. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

function serialise(output: unknown): string | null {
  if (output === undefined || output === null) return null;
  return truncate(typeof output === 'string' ? output : JSON.stringify(output));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Executes one claimed run through its job type's strategy and records the outcome. */
@Injectable()
export class RunExecutor {
  constructor(
    private readonly types: JobTypeRegistry,
    private readonly store: RunStore,
    private readonly instance: InstanceIdentity,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    @InjectPinoLogger('RunExecutor') private readonly baseLogger: PinoLogger,
  ) {}

  /**
   * Resolves once the outcome is recorded; `executed` is called as soon as the job's own work has
   * ended (before the outcome is written), when its slot may take another run.
   */
  async execute(run: ClaimedRun, controller: AbortController, executed: () => void = () => undefined): Promise<void> {
    const logger = createRunLogger(this.baseLogger.logger, { jobId: run.jobId, runId: run.id, attempt: run.attempt });
    const startedAt = this.clock.now().getTime();
    // Lag is the scheduler's delay in starting an occurrence; a retry's wait is its backoff, not lag.
    if (run.attempt === 1) this.metrics.schedulingLag.observe({ type: run.type }, (startedAt - run.scheduledFor.getTime()) / 1000);
    const timer = setTimeout(
      () => controller.abort(new RunInterruption('timeout', `timed out after ${run.timeoutMs} ms`)),
      run.timeoutMs,
    );
    let outcome: Omit<RunOutcome, 'runId' | 'jobId' | 'durationMs' | 'retryDelayMs'>;
    try {
      const execution = this.types.get(run.type).execute({
        job: { id: run.jobId, name: run.jobName, type: run.type },
        run: { id: run.id, attempt: run.attempt, scheduledFor: run.scheduledFor },
        params: run.params,
        signal: controller.signal,
        logger,
      });
      const output = await Promise.race([execution, untilAborted(controller.signal)]);
      outcome = { status: 'succeeded', error: null, output: serialise(output) };
    } catch (error) {
      const interruption = controller.signal.reason instanceof RunInterruption ? controller.signal.reason : undefined;
      if (interruption?.kind === 'cancelled') {
        logger.log('cancelled through the API: stopped');
        this.metrics.jobRuns.inc({ type: run.type, status: 'cancelled' });
        return;
      }
      if (interruption && interruption.kind !== 'timeout') {
        logger.warn(`stopped without recording an outcome: ${interruption.message}`);
        return;
      }
      outcome = interruption
        ? { status: 'timed_out', error: interruption.message, output: null }
        : { status: 'failed', error: truncate(describe(error)), output: null };
    } finally {
      clearTimeout(timer);
      executed();
    }
    const durationMs = this.clock.now().getTime() - startedAt;
    this.metrics.jobRuns.inc({ type: run.type, status: outcome.status });
    this.metrics.runDuration.observe({ type: run.type, status: outcome.status }, durationMs / 1000);
    await this.record(logger, controller, {
      ...outcome,
      runId: run.id,
      jobId: run.jobId,
      durationMs,
      retryDelayMs: retryDelayMs(run.retryBackoffMs, run.attempt),
    });
  }

  /**
   * Keeps trying while the database is unreachable: an outcome lost here would have the run
   * abandoned and executed again. Stops once the lease is known to be lost.
   */
  private async record(logger: RunLogger, controller: AbortController, outcome: RunOutcome): Promise<void> {
    const deadline = this.clock.now().getTime() + FINISH_RETRY_LIMIT_MS;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        const result = await this.store.finish(this.instance.id, outcome);
        if (!result.recorded) {
          logger.warn(`outcome ${outcome.status} refused: this instance lost the run's lease and another took it over`);
        } else if (outcome.status !== 'succeeded') {
          logger.warn(`${outcome.status}: ${outcome.error}${result.retryRunId ? `; retry is run ${result.retryRunId}` : ''}`);
        }
        return;
      } catch (error) {
        if (this.clock.now().getTime() > deadline || controller.signal.reason instanceof RunInterruption && controller.signal.reason.kind === 'lease_lost') {
          logger.error(`could not record outcome ${outcome.status}: ${describe(error)}`);
          return;
        }
        await sleep(delay);
      }
    }
  }
}
