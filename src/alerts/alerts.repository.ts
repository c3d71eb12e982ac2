import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { AlertDelivery, Job } from '../generated/prisma/client';
import type { PaginationQuery } from '../validation/pagination.query';

/** Arbitrary, fixed key (the run pruner's is 727_073_690_002, the audit's …003): one alert pruner at a time. */
const PRUNE_LOCK_KEY = 727_073_690_004n;

/** Prisma reads of the alerts' outbox and its pruning; the writes happen in the scheduler's transactions (sql/). */
@Injectable()
export class AlertsRepository {
  constructor(private readonly prisma: PrismaService) {}

  findJob(id: number): Promise<Pick<Job, 'id' | 'notify' | 'consecutiveFailures'> | null> {
    return this.prisma.job.findUnique({ where: { id }, select: { id: true, notify: true, consecutiveFailures: true } });
  }

  async listForJob(jobId: number, page: PaginationQuery): Promise<{ deliveries: AlertDelivery[]; total: number }> {
    const [deliveries, total] = await this.prisma.$transaction([
      this.prisma.alertDelivery.findMany({ where: { jobId }, orderBy: { id: 'desc' }, take: page.limit, skip: page.offset }),
      this.prisma.alertDelivery.count({ where: { jobId } }),
    ]);
    return { deliveries, total };
  }

  /**
   * Deletes up to `batch` settled deliveries (delivered or undeliverable) created before the
   * retention, oldest first; a pending one is never deleted. Null when another instance prunes.
   */
  prune(retentionDays: number, batch: number): Promise<number | null> {
    return this.prisma.$transaction(async (transaction) => {
      const [lock] = await transaction.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${PRUNE_LOCK_KEY}) AS locked`;
      if (!lock.locked) return null;
      return transaction.$executeRaw`
        DELETE FROM alert_deliveries WHERE id IN (
          SELECT id FROM alert_deliveries
           WHERE status <> 'pending' AND created_at < now() - ${retentionDays} * interval '1 day'
           ORDER BY id LIMIT ${batch}
        )`;
    });
  }
}
