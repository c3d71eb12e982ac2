import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ListRunsQuery } from './list-runs.query';

const DATE_MESSAGE = 'must be an ISO-8601 date-time such as 2026-03-07T00:00:00Z';

/** GET /runs: the filters of a job's history, across jobs. */
export class ListAllRunsQuery extends ListRunsQuery {
  /** Only the runs of this job. @example 1 */
  @ApiProperty({ required: false })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  jobId?: number;

  /** Only runs whose occurrence (scheduledFor) is at or after this instant. @example "2026-03-07T00:00:00Z" */
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: DATE_MESSAGE })
  from?: Date;

  /** Only runs whose occurrence (scheduledFor) is before this instant. @example "2026-03-08T00:00:00Z" */
  @IsOptional()
  @Type(() => Date)
  @IsDate({ message: DATE_MESSAGE })
  to?: Date;
}
