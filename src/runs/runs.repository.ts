import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { JobRun, Prisma } from '../generated/prisma/client';
import type { ListAllRunsQuery } from './dto/list-all-runs.query';
import type { ListRunsQuery } from './dto/list-runs.query';
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

  recent(jobIds: number[], count: number): Promise<RecentRunRow[]> {
    return recentRuns(this.prisma.pool, jobIds, count);
  }
}
