import { IsIn, IsOptional } from 'class-validator';
import { PaginationQuery } from '../../validation/pagination.query';
import { RUN_STATUSES, type RunStatus } from '../run-status';

export class ListRunsQuery extends PaginationQuery {
  /** Only runs in this status. */
  @IsOptional()
  @IsIn(RUN_STATUSES)
  status?: RunStatus;
}
