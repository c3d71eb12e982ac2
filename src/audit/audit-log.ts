import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { Prisma } from '../generated/prisma/client';
import type { PaginationQuery } from '../validation/pagination.query';
import type { NewAuditEntry } from './audit-entry';
import { AuditRepository } from './audit.repository';
import { AuditEntryResponse, type AuditPageResponse } from './dto/audit-entry.response';
import type { ListAuditQuery } from './dto/list-audit.query';

/**
 * The audit log's seam for the rest of the service: a change writes its entry inside its own
 * transaction (so neither exists without the other), and the API reads entries back.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly entries: AuditRepository) {}

  record(transaction: Prisma.TransactionClient, entry: NewAuditEntry): Promise<void> {
    return this.entries.record(transaction, entry);
  }

  recordOn(client: PoolClient, entry: NewAuditEntry): Promise<void> {
    return this.entries.recordOn(client, entry);
  }

  async changesOf(jobId: number, page: PaginationQuery): Promise<AuditPageResponse> {
    const { entries, total } = await this.entries.listForJob(jobId, page);
    return { data: entries.map(AuditEntryResponse.from), total, limit: page.limit, offset: page.offset };
  }

  async list(query: ListAuditQuery): Promise<AuditPageResponse> {
    const { entries, total } = await this.entries.list(query);
    return { data: entries.map(AuditEntryResponse.from), total, limit: query.limit, offset: query.offset };
  }
}
