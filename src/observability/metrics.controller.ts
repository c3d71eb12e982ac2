import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PrismaService } from '../database/prisma.service';
import { NoRoleRequired } from '../security/required-role.decorator';
import { Metrics } from './metrics';

/** Prometheus exposition; guarded by METRICS_TOKEN when set (see security/request-security.ts). */
@ApiExcludeController()
@NoRoleRequired()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly prisma: PrismaService,
  ) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    // The backlog is the database's, not this instance's: counted at scrape time through the partial index.
    const due = await this.prisma.job.count({ where: { isActive: true, nextRun: { lte: new Date() } } }).catch(() => undefined);
    if (due !== undefined) this.metrics.dueBacklog.set(due);
    return this.metrics.registry.metrics();
  }
}
