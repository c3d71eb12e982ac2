import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment';
import { describe } from '../observability/describe-error';
import { deleteInBatches } from './delete-in-batches';

/**
 * Keeps a table bounded: every PRUNE_INTERVAL_MS, on the instances that schedule, deletes in small
 * batches (see deleteInBatches) what `deleteBatch` says is older than `retentionDays`; an advisory
 * lock in `deleteBatch` lets one instance prune at a time.
 */
export abstract class RetentionPruner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;
  private readonly intervalMs: number;
  private readonly enabled: boolean;
  private timer: NodeJS.Timeout | undefined;

  protected constructor(
    /** What is pruned, plural, for the log: "audit entries". */
    private readonly what: string,
    readonly retentionDays: number,
    config: ConfigService<Environment, true>,
  ) {
    this.logger = new Logger(this.constructor.name);
    this.intervalMs = config.get('PRUNE_INTERVAL_MS', { infer: true });
    this.enabled = config.get('SCHEDULER_ENABLED', { infer: true });
  }

  /** Deletes up to `batch` rows older than the retention, or answers null when another instance prunes. */
  protected abstract deleteBatch(batch: number): Promise<number | null>;

  onApplicationBootstrap(): void {
    if (this.enabled) this.timer ??= setInterval(() => void this.runOnce(), this.intervalMs);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The number of rows deleted, or null when another instance was pruning. */
  async runOnce(): Promise<number | null> {
    const { deleted, error } = await deleteInBatches((batch) => this.deleteBatch(batch));
    if (error) this.logger.warn(`pruning the ${this.what} failed: ${describe(error)}`);
    else if (deleted) this.logger.log(`deleted ${deleted} ${this.what} older than ${this.retentionDays} days`);
    return deleted;
  }
}
