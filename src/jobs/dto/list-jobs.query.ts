import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { BooleanQuery } from '../../validation/boolean-query';
import { PaginationQuery } from '../../validation/pagination.query';

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

  /** Case-insensitive text to find in the name or description. @example "email" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;
}
