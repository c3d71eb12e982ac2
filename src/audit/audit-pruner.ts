import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment';
import { RetentionPruner } from '../database/retention-pruner';
import { AuditRepository } from './audit.repository';

/** Keeps the audit log bounded like the run history: entries older than AUDIT_RETENTION_DAYS (RUN_RETENTION_DAYS unless set). */
@Injectable()
export class AuditPruner extends RetentionPruner {
  constructor(
    private readonly entries: AuditRepository,
    config: ConfigService<Environment, true>,
  ) {
    super('audit entries', config.get('AUDIT_RETENTION_DAYS', { infer: true }) ?? config.get('RUN_RETENTION_DAYS', { infer: true }), config);
  }

  protected deleteBatch(batch: number): Promise<number | null> {
    return this.entries.prune(this.retentionDays, batch);
  }
}
