import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { NoRoleRequired } from '../security/required-role.decorator';
import { Readiness } from './readiness';

@ApiTags('health')
@NoRoleRequired()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: Readiness,
  ) {}

  /** Liveness: the process answers. Never touches the database. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness' })
  getLiveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: 200 when every check is up, else 503 naming the failing checks. */
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness' })
  getReadiness() {
    return this.health.check([
      () => this.readiness.databaseReachable(),
      () => this.readiness.migrationsApplied(),
      () => this.readiness.schedulerTicking(),
      () => this.readiness.brokerConnected(),
      () => this.readiness.maintenanceSwitch(),
    ]);
  }
}
