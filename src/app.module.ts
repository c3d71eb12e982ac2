import { Module } from '@nestjs/common';
import { CacheModule } from './cache/cache.module';
import { ClockModule } from './clock/clock.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { JobsModule } from './jobs/jobs.module';
import { MaintenanceModule } from './maintenance/maintenance.module';
import { LoggingModule } from './observability/logging.module';
import { ObservabilityModule } from './observability/observability.module';
import { RedisModule } from './redis/redis.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { SchedulesModule } from './schedules/schedules.module';
import { UiModule } from './ui/ui.module';
import { SecurityModule } from './security/security.module';

@Module({
  imports: [
    ConfigModule,
    LoggingModule,
    ObservabilityModule,
    ClockModule,
    DatabaseModule,
    RedisModule,
    CacheModule,
    SecurityModule,
    JobsModule,
    MaintenanceModule,
    SchedulerModule,
    SchedulesModule,
    HealthModule,
    UiModule,
  ],
})
export class AppModule {}
