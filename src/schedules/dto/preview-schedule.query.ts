import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinDate } from 'class-validator';
import { IsCronExpression, IsTimeZone } from '../../validation/schedule.validators';
import { MAX_JITTER_MS } from '../jittered-schedule';

/**
 * Near the start of representable time the civil-time arithmetic leaves what Date can hold; no one
 * previews a schedule before the year 1000. (Near the end, the preview lists what is left.)
 */
const EARLIEST_FROM = new Date('1000-01-01T00:00:00Z');

export class PreviewScheduleQuery {
  /** Cron expression, 5 or 6 fields. @example "0 9 * * 1-5" */
  @IsString()
  @MaxLength(200)
  @IsCronExpression()
  schedule: string;

  /** IANA time zone. @example "America/New_York" */
  @ApiProperty({ required: false })
  @IsOptional()
  @IsString()
  @IsTimeZone()
  timezone: string = 'UTC';

  /** How many occurrences, 1-100. */
  @ApiProperty({ required: false })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  count: number = 5;

  /** Occurrences strictly after this ISO-8601 instant; now when omitted. @example "2026-03-07T00:00:00Z" */
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: 'must be an ISO-8601 date-time such as 2026-03-07T00:00:00Z' })
  @MinDate(EARLIEST_FROM, { message: 'must be in the year 1000 or later' })
  from?: Date;

  /**
   * The job id that `H` and the jitter derive their values from (GET /jobs/:id/next-runs uses the
   * job's own); required when the schedule uses H or jitterMs is above 0. @example 42
   */
  @ApiProperty({ required: false })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  seed?: number;

  /** The job's jitterMs (0-3600000): each occurrence delayed as the scheduler delays it. @example 30000 */
  @ApiProperty({ required: false })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_JITTER_MS)
  jitterMs: number = 0;
}
