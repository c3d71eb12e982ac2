import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment';
import { deleteInBatches } from '../database/delete-in-batches';
import { OutageLog } from './outage-log';
import { RunStore } from './run-store';

/**
 * Keeps the run history bounded: deletes finished runs older than RUN_RETENTION_DAYS in small
 * batches, keeping the latest run of every job. Any instance may do it; an advisory lock makes
 * sure only one does at a time.
 */
@Injectable()
export class RunPruner {
  private readonly logger = new Logger('RunPruner');
  private readonly outage = new OutageLog(this.logger, 'pruning run history');
  private readonly retentionDays: number;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: RunStore,
    config: ConfigService<Environment, true>,
  ) {
    this.retentionDays = config.get('RUN_RETENTION_DAYS', { infer: true });
    this.intervalMs = config.get('PRUNE_INTERVAL_MS', { infer: true });
  }

  start(): void {
    this.timer ??= setInterval(() => void this.runOnce(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Returns the number of runs deleted, or null when another instance was pruning. */
  async runOnce(): Promise<number | null> {
    const { deleted, error } = await deleteInBatches((batch) => this.store.prune(this.retentionDays, batch));
    if (error) {
      this.outage.failed(error);
      return deleted;
    }
    if (deleted === null) return null;
    this.outage.succeeded();
    if (deleted > 0) this.logger.log(`deleted ${deleted} runs older than ${this.retentionDays} days`);
    return deleted;
  }
}
