import { Module } from '@nestjs/common';
import { ClockModule } from './clock/clock.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { JobsModule } from './jobs/jobs.module';
import { SchedulesModule } from './schedules/schedules.module';

@Module({
  imports: [ConfigModule, ClockModule, DatabaseModule, JobsModule, SchedulesModule],
})
export class AppModule {}
