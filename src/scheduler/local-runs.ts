import { Injectable, Logger } from '@nestjs/common';
import { Metrics } from '../observability/metrics';
import { describe } from '../observability/describe-error';
import { InFlightRuns } from './in-flight-runs';
import { RunExecutor } from './run-executor';
import type { ClaimedRun } from './sql/claimed-run';

/**
 * Executes runs in this process (claimed inline, or taken from the queue by a worker) and says when
 * a slot frees. A slot frees when the job's work ends, not once its outcome is written: the next
 * claim then overlaps the grouped write of the outcomes instead of waiting for it (with concurrency
 * equal to the batch, the defaults, every claim waited for it). Runs end many at a time: one call after all of them
 * have freed their slots, rather than one for the first and another for the rest.
 */
@Injectable()
export class LocalRuns {
  private readonly logger = new Logger('LocalRuns');
  private slotFreed: (() => void) | undefined;
  private freedScheduled = false;
  private executing = 0;

  constructor(
    private readonly executor: RunExecutor,
    private readonly inFlight: InFlightRuns,
    private readonly metrics: Metrics,
  ) {}

  /** Runs whose job is executing now; those only recording their outcome take no slot. */
  get size(): number {
    return this.executing;
  }

  /** `callback` is called once the runs that finish together have freed their slots. */
  onSlotFreed(callback: () => void): void {
    this.slotFreed = callback;
  }

  /** Executes a run here; resolves once its outcome is recorded (or it was handed over). Never rejects. */
  start(run: ClaimedRun): Promise<void> {
    const controller = new AbortController();
    this.executing += 1;
    let slotHeld = true;
    const freeSlot = () => {
      if (!slotHeld) return;
      slotHeld = false;
      this.executing -= 1;
      this.announceFreedSlot();
    };
    const done = this.executor.execute(run, controller, freeSlot).catch((error: unknown) => {
      this.logger.error(`run ${run.id} of job ${run.jobId} crashed the executor: ${describe(error)}`);
    });
    this.inFlight.add(run.id, controller, done);
    this.metrics.runsInFlight.set(this.inFlight.size);
    return done.then(() => {
      freeSlot();
      this.metrics.runsInFlight.set(this.inFlight.size);
    });
  }

  private announceFreedSlot(): void {
    if (this.freedScheduled || !this.slotFreed) return;
    this.freedScheduled = true;
    setImmediate(() => {
      this.freedScheduled = false;
      this.slotFreed?.();
    });
  }
}
