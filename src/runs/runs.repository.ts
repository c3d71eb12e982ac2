import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { JobRun, Prisma } from '../generated/prisma/client';
import type { ListRunsQuery } from './dto/list-runs.query';
import { enqueueManualRun, type ManualRunRequest } from './enqueue-manual-run';

/** Prisma queries on the run history. The scheduler's hot-path SQL lives in the scheduler. */
@Injectable()
export class RunsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Queues a run of the job now and announces it to whoever schedules (see enqueue-manual-run.ts). */
  enqueueManual(jobId: number): Promise<ManualRunRequest> {
    return enqueueManualRun(this.prisma.pool, jobId);
  }

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
}
