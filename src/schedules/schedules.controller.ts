import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-document/api-errors.decorator';
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
  @ApiOperation({ summary: 'Preview a cron expression' })
  @ApiOkResponse({ description: 'ISO-8601 UTC instants', schema: { type: 'array', items: { type: 'string', format: 'date-time' } } })
  @ApiErrors(400)
  previewSchedule(@Query() query: PreviewScheduleQuery): Date[] {
    return this.schedules.occurrences(query);
  }
}
