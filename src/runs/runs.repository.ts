import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { inTransaction } from '../database/pg-transaction';
import { PrismaService } from '../database/prisma.service';
import type { JobRun, Prisma } from '../generated/prisma/client';
import type { ListAllRunsQuery } from './dto/list-all-runs.query';
import type { ListRunsQuery } from './dto/list-runs.query';
import { cancelRun, type CancelOutcome } from './sql/cancel-run';
import { recentRuns, type RecentRunRow } from './sql/recent-runs';

/** Prisma queries on the run history. The scheduler's hot-path SQL lives in the scheduler. */
@Injectable()
export class RunsRepository {
  constructor(private readonly prisma: PrismaService) {}

  findById(id: number): Promise<JobRun | null> {
    return this.prisma.jobRun.findUnique({ where: { id } });
  }

  async listForJob(jobId: number, query: ListRunsQuery): Promise<{ runs: JobRun[]; total: number }> {
    const where: Prisma.JobRunWhereInput = { jobId, status: query.status };
    const [runs, total] = await this.prisma.$transaction([
      this.prisma.jobRun.findMany({ where, orderBy: { id: 'desc' }, take: query.limit, skip: query.offset }),
      this.prisma.jobRun.count({ where }),
    ]);
    return { runs, total };
  }

  /** Runs across jobs, newest first, each with its job's name. */
  async list(query: ListAllRunsQuery): Promise<{ runs: (JobRun & { job: { name: string } })[]; total: number }> {
    const where: Prisma.JobRunWhereInput = {
      jobId: query.jobId,
      status: query.status && { in: query.status },
      scheduledFor: { gte: query.from, lt: query.to },
      ...(query.tag ? { job: { tags: { has: query.tag } } } : {}),
    };
    const [runs, total] = await this.prisma.$transaction([
      this.prisma.jobRun.findMany({
        where,
        include: { job: { select: { name: true } } },
        orderBy: { id: 'desc' },
        take: query.limit,
        skip: query.offset,
      }),
      this.prisma.jobRun.count({ where }),
    ]);
    return { runs, total };
  }

  /** Cancels the run (see cancelRun) and lets `alongside` write its audit entry in the same transaction. */
  cancel(runId: number, alongside: (client: PoolClient, cancelled: CancelOutcome & { outcome: 'cancelled' }) => Promise<void>): Promise<CancelOutcome> {
    return inTransaction(this.prisma.pool, async (client) => {
      const result = await cancelRun(client, runId);
      if (result.outcome === 'cancelled') await alongside(client, result);
      return result;
    });
  }

  recent(jobIds: number[], count: number): Promise<RecentRunRow[]> {
    return recentRuns(this.prisma.pool, jobIds, count);
  }
}
