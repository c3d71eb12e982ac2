import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-document/api-errors.decorator';
import { RequiredRole } from '../security/required-role.decorator';
import { IdPipe } from '../validation/id.pipe';
import { PaginationQuery } from '../validation/pagination.query';
import { AlertsService } from './alerts.service';
import type { JobAlertsResponse } from './dto/alert-delivery.response';

@ApiTags('jobs')
@Controller('jobs')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  /** The job's alerting state (its failure streak, the notify in force) and its alert deliveries, newest first. */
  @Get(':id/alerts')
  @RequiredRole('reader')
  @ApiOperation({ summary: "List a job's alerts" })
  @ApiErrors(400, 404, 414, 503)
  listJobAlerts(@Param('id', IdPipe) id: number, @Query() page: PaginationQuery): Promise<JobAlertsResponse> {
    return this.alerts.forJob(id, page);
  }
}
