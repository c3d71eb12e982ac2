import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequiredRole } from '../security/required-role.decorator';
import { AuditLog } from './audit-log';
import type { AuditPageResponse } from './dto/audit-entry.response';
import { ListAuditQuery } from './dto/list-audit.query';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditLog) {}

  /** Every recorded change to any job, newest first, optionally filtered; admins only. */
  @Get()
  @RequiredRole('admin')
  list(@Query() query: ListAuditQuery): Promise<AuditPageResponse> {
    return this.audit.list(query);
  }
}
