import { Injectable, NotFoundException } from '@nestjs/common';
import type { PaginationQuery } from '../validation/pagination.query';
import { AlertSettings } from './alert-settings';
import { AlertsRepository } from './alerts.repository';
import { AlertDeliveryResponse, JobAlertsResponse } from './dto/alert-delivery.response';

@Injectable()
export class AlertsService {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly settings: AlertSettings,
  ) {}

  async forJob(jobId: number, page: PaginationQuery): Promise<JobAlertsResponse> {
    const job = await this.alerts.findJob(jobId);
    if (!job) throw new NotFoundException(`job ${jobId} does not exist`);
    const { deliveries, total } = await this.alerts.listForJob(jobId, page);
    return { ...JobAlertsResponse.of(job, this.settings.defaultNotify), data: deliveries.map(AlertDeliveryResponse.from), total, limit: page.limit, offset: page.offset };
  }
}
