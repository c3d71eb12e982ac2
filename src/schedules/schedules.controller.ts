import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequiredRole } from '../security/required-role.decorator';
import { PreviewScheduleQuery } from './dto/preview-schedule.query';
import { SchedulePreview } from './schedule-preview';

@ApiTags('schedules')
@Controller('schedules')
export class SchedulesController {
  constructor(private readonly schedules: SchedulePreview) {}

  /** The next occurrences of an expression that is not (yet) a job, as ISO-8601 UTC instants. */
  @Get('preview')
  @RequiredRole('reader')
  @ApiOkResponse({ description: 'ISO-8601 UTC instants', schema: { type: 'array', items: { type: 'string', format: 'date-time' } } })
  preview(@Query() query: PreviewScheduleQuery): Date[] {
    return this.schedules.occurrences(query);
  }
}
