import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CommaListQuery } from '../../validation/comma-list-query';

/** GET /runs/recent: the latest runs of each of a page of jobs. */
export class RecentRunsQuery {
  /** The jobs, comma-separated (at most 100). @example "1,2,3" */
  @ApiProperty({ type: String })
  @CommaListQuery({ integers: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsInt({ each: true, message: 'must be job ids (whole numbers), comma-separated' })
  @Min(1, { each: true })
  @Max(2_147_483_647, { each: true })
  jobIds: number[];

  /** Runs per job, newest first, 1-50. */
  @ApiProperty({ required: false })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  count: number = 20;
}
