import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../config/environment';
import { RetentionPruner } from '../database/retention-pruner';
import { AlertsRepository } from './alerts.repository';

/**
 * Keeps the alerts' outbox bounded like the run history it is about: deliveries settled (delivered or
 * undeliverable) and created over RUN_RETENTION_DAYS ago; a pending delivery stays until it settles.
 */
@Injectable()
export class AlertPruner extends RetentionPruner {
  constructor(
    private readonly deliveries: AlertsRepository,
    config: ConfigService<Environment, true>,
  ) {
    super('settled alert deliveries', config.get('RUN_RETENTION_DAYS', { infer: true }), config);
  }

  protected deleteBatch(batch: number): Promise<number | null> {
    return this.deliveries.prune(this.retentionDays, batch);
  }
}
