import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { PrismaService } from '../database/prisma.service';
import type { AuditEntry, Prisma } from '../generated/prisma/client';
import type { NewAuditEntry } from './audit-entry';
import type { ListAuditQuery } from './dto/list-audit.query';
import type { PaginationQuery } from '../validation/pagination.query';

/** Arbitrary, fixed key (the run pruner's is 727_073_690_002): one audit pruner at a time across all instances. */
const PRUNE_LOCK_KEY = 727_073_690_003n;

const INSERT = `
  INSERT INTO audit_entries (actor, via, address, action, job_id, job_name, run_id, changes)
  VALUES ($1, $2, $3, $4::"AuditAction", $5, $6, $7, $8::jsonb)`;

/** Every query on the audit log. Entries are written only inside the transaction of the change they record. */
@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Writes the entry in a Prisma transaction (create, update, delete). */
  async record(transaction: Prisma.TransactionClient, entry: NewAuditEntry): Promise<void> {
    await transaction.auditEntry.create({
      data: {
        actor: entry.actor.name,
        via: entry.actor.via,
        address: entry.actor.address,
        action: entry.action,
        jobId: entry.jobId,
        jobName: entry.jobName,
        runId: entry.runId,
        changes: entry.changes as unknown as Prisma.InputJsonArray,
      },
    });
  }

  /** The same, in a transaction of the pg driver: for a run-now, whose run is queued by the scheduler's own SQL. */
  async recordOn(client: PoolClient, entry: NewAuditEntry): Promise<void> {
    const { actor } = entry;
    await client.query(INSERT, [actor.name, actor.via, actor.address, entry.action, entry.jobId, entry.jobName, entry.runId ?? null, JSON.stringify(entry.changes)]);
  }

  async listForJob(jobId: number, page: PaginationQuery): Promise<{ entries: AuditEntry[]; total: number }> {
    return this.page({ jobId }, page);
  }

  async list(query: ListAuditQuery): Promise<{ entries: AuditEntry[]; total: number }> {
    const at = query.from || query.to ? { gte: query.from, lt: query.to } : undefined;
    return this.page({ actor: query.actor, action: query.action, jobId: query.jobId, at }, query);
  }

  private async page(where: Prisma.AuditEntryWhereInput, page: PaginationQuery): Promise<{ entries: AuditEntry[]; total: number }> {
    const [entries, total] = await this.prisma.$transaction([
      this.prisma.auditEntry.findMany({ where, orderBy: { id: 'desc' }, take: page.limit, skip: page.offset }),
      this.prisma.auditEntry.count({ where }),
    ]);
    return { entries, total };
  }

  /**
   * Deletes up to `batch` entries older than the retention, oldest first, holding an advisory lock
   * for the transaction; null when another instance holds it. Raw SQL: Prisma can say neither the
   * lock nor a DELETE with a LIMIT.
   */
  prune(retentionDays: number, batch: number): Promise<number | null> {
    return this.prisma.$transaction(async (transaction) => {
      const [lock] = await transaction.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${PRUNE_LOCK_KEY}) AS locked`;
      if (!lock.locked) return null;
      return transaction.$executeRaw`
        DELETE FROM audit_entries WHERE id IN (
          SELECT id FROM audit_entries WHERE at < now() - ${retentionDays} * interval '1 day' ORDER BY at LIMIT ${batch}
        )`;
    });
  }
}
