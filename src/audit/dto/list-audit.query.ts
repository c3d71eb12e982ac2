import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsInstantQuery } from '../../validation/instant-query';
import { PaginationQuery } from '../../validation/pagination.query';
import { AUDIT_ACTIONS, type AuditAction } from '../audit-entry';

export class ListAuditQuery extends PaginationQuery {
  /** Only entries of this actor: an API key's name, a JWT's subject, or "anonymous". @example "deploy" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  /** Only entries of this action. */
  @IsOptional()
  @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;

  /** Only entries of this job, also a deleted one. @example 1 */
  @ApiProperty({ required: false })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  jobId?: number;

  /** Only entries at or after this ISO-8601 instant. @example "2026-03-07T00:00:00Z" */
  @IsInstantQuery()
  from?: Date;

  /** Only entries before this ISO-8601 instant. @example "2026-03-08T00:00:00Z" */
  @IsInstantQuery()
  to?: Date;
}
