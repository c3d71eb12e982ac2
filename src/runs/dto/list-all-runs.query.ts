import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CommaListQuery } from '../../validation/comma-list-query';
import { IsInstantQuery } from '../../validation/instant-query';
import { PaginationQuery } from '../../validation/pagination.query';
import { IsTag } from '../../validation/tag';
import { RUN_STATUSES, type RunStatus } from '../run-status';

/** GET /runs: a job's history filters, across jobs. */
export class ListAllRunsQuery extends PaginationQuery {
  /** Only runs in one of these statuses, comma-separated. @example "failed,timed_out,abandoned" */
  @ApiProperty({ required: false, type: String, isArray: false })
  @IsOptional()
  @CommaListQuery()
  @IsArray()
  @ArrayMaxSize(RUN_STATUSES.length)
  @IsIn(RUN_STATUSES, { each: true, message: `must be run statuses among ${RUN_STATUSES.join(', ')}, comma-separated` })
  status?: RunStatus[];

  /** Only the runs of this job. @example 1 */
  @ApiProperty({ required: false })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  jobId?: number;

  /** Only the runs of jobs carrying this tag. @example "billing" */
  @IsOptional()
  @IsTag()
  tag?: string;

  /** Only runs whose occurrence (scheduledFor) is at or after this instant. @example "2026-03-07T00:00:00Z" */
  @IsInstantQuery()
  from?: Date;

  /** Only runs whose occurrence (scheduledFor) is before this instant. @example "2026-03-08T00:00:00Z" */
  @IsInstantQuery()
  to?: Date;
}
