import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MaintenanceModule } from '../maintenance/maintenance.module';
import { SchedulerModule } from '../scheduler/scheduler.module';
import { HealthController } from './health.controller';
import { Readiness } from './readiness';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), SchedulerModule, MaintenanceModule],
  controllers: [HealthController],
  providers: [Readiness],
})
export class HealthModule {}
