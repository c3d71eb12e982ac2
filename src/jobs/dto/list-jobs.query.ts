import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { RUN_STATUSES, type RunStatus } from '../../runs/run-status';
import { BooleanQuery } from '../../validation/boolean-query';
import { PaginationQuery } from '../../validation/pagination.query';
import { IsTag } from '../../validation/tag';

export class ListJobsQuery extends PaginationQuery {
  /** Only active (true) or inactive (false) jobs. */
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  isActive?: boolean;

  /** Only jobs of this type. @example "http" */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  type?: string;

  /** Only jobs whose latest run is in this status, e.g. the ones whose last run failed. @example "failed" */
  @IsOptional()
  @IsIn(RUN_STATUSES)
  lastStatus?: RunStatus;

  /** Only jobs carrying this tag. @example "billing" */
  @IsOptional()
  @IsTag()
  tag?: string;

  /** Case-insensitive text to find in the name or description. @example "email" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;
}
