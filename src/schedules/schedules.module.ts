import { Module } from '@nestjs/common';
import { SchedulePreview } from './schedule-preview';
import { SchedulesController } from './schedules.controller';

@Module({ controllers: [SchedulesController], providers: [SchedulePreview] })
export class SchedulesModule {}
