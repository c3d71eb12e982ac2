import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-document/api-errors.decorator';
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
  @ApiOperation({ summary: 'List audit entries' })
  @ApiErrors(400, 503)
  listAuditEntries(@Query() query: ListAuditQuery): Promise<AuditPageResponse> {
    return this.audit.list(query);
  }
}
