import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Clock } from '../clock/clock';
import { RequiredRole } from '../security/required-role.decorator';
import { canonicalTimezone, nextOccurrences } from './cron-schedule';
import { PreviewScheduleQuery } from './dto/preview-schedule.query';

@ApiTags('schedules')
@Controller('schedules')
export class SchedulesController {
  constructor(private readonly clock: Clock) {}

  /** The next occurrences of an expression that is not (yet) a job, as ISO-8601 UTC instants. */
  @Get('preview')
  @RequiredRole('reader')
  @ApiOkResponse({ description: 'ISO-8601 UTC instants', schema: { type: 'array', items: { type: 'string', format: 'date-time' } } })
  preview(@Query() query: PreviewScheduleQuery): Date[] {
    const timezone = canonicalTimezone(query.timezone) as string;
    return nextOccurrences(query.schedule, timezone, query.from ?? this.clock.now(), query.count);
  }
}
