import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment';
import { AuditRepository } from './audit.repository';

const BATCH = 1_000;
const MAX_BATCHES_PER_RUN = 100;

/**
 * Keeps the audit log bounded like the run history: deletes entries older than
 * AUDIT_RETENTION_DAYS (RUN_RETENTION_DAYS unless set) every PRUNE_INTERVAL_MS, in small batches,
 * on the instances that schedule (as the run pruner does); an advisory lock lets one prune at a time.
 */
@Injectable()
export class AuditPruner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('AuditPruner');
  readonly retentionDays: number;
  private readonly intervalMs: number;
  private readonly enabled: boolean;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly entries: AuditRepository,
    config: ConfigService<Environment, true>,
  ) {
    this.retentionDays = config.get('AUDIT_RETENTION_DAYS', { infer: true }) ?? config.get('RUN_RETENTION_DAYS', { infer: true });
    this.intervalMs = config.get('PRUNE_INTERVAL_MS', { infer: true });
    this.enabled = config.get('SCHEDULER_ENABLED', { infer: true });
  }

  onApplicationBootstrap(): void {
    if (this.enabled) this.timer ??= setInterval(() => void this.runOnce(), this.intervalMs);
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The number of entries deleted, or null when another instance was pruning. */
  async runOnce(): Promise<number | null> {
    let total = 0;
    try {
      for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch += 1) {
        const deleted = await this.entries.prune(this.retentionDays, BATCH);
        if (deleted === null) return null;
        total += deleted;
        if (deleted < BATCH) break;
      }
      if (total > 0) this.logger.log(`deleted ${total} audit entries older than ${this.retentionDays} days`);
    } catch (error) {
      this.logger.warn(`pruning the audit log failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return total;
  }
}
