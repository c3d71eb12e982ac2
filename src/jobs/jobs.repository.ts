import { Injectable } from '@nestjs/common';
import { isRecordNotFound } from '../database/prisma-errors';
import { PrismaService } from '../database/prisma.service';
import { DUE_CHANNEL, dueNoticePayload } from '../due-notices/due-notice';
import type { Job, Prisma } from '../generated/prisma/client';
import type { ListJobsQuery } from './dto/list-jobs.query';

/** Prisma puts `contains` into a LIKE pattern as is: %, _ and \\ must not act as wildcards there. */
const escapeLikePattern = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

const FIND_BY_ID = `
  SELECT id, name, description, schedule, timezone, type, params, is_active AS "isActive",
         overlap_policy AS "overlapPolicy", misfire_policy AS "misfirePolicy", max_attempts AS "maxAttempts",
         retry_backoff_ms AS "retryBackoffMs", timeout_ms AS "timeoutMs", last_run AS "lastRun", last_status AS "lastStatus",
         next_run AS "nextRun", schedule_error AS "scheduleError", created_at AS "createdAt", updated_at AS "updatedAt"
    FROM jobs WHERE id = $1`;

/** A Date when the write sets one: a nextRun to announce. */
const dueInstant = (nextRun: unknown) => (nextRun instanceof Date ? nextRun : undefined);

/**
 * Every Prisma query on the jobs table. A write that gives a job a nextRun announces it on the due
 * channel in the same transaction, so whoever schedules wakes for it (see due-notice.ts).
 */
@Injectable()
export class JobsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(data: Prisma.JobCreateInput): Promise<Job> {
    const due = dueInstant(data.nextRun);
    if (!due) return this.prisma.job.create({ data });
    const [job] = await this.prisma.$transaction([this.prisma.job.create({ data }), this.notifyDue(due)]);
    return job;
  }

  /**
   * Creates the job and sets its nextRun from its new id, in one transaction: for schedules whose
   * occurrences depend on the id (H), so the job is never visible without its nextRun.
   */
  createSeeded(data: Prisma.JobCreateInput, nextRunOf: (id: number) => Date | null): Promise<Job> {
    return this.prisma.$transaction(async (transaction) => {
      const created = await transaction.job.create({ data });
      const job = await transaction.job.update({ where: { id: created.id }, data: { nextRun: nextRunOf(created.id) } });
      if (job.nextRun) await transaction.$executeRaw`SELECT pg_notify(${DUE_CHANNEL}, ${dueNoticePayload(job.nextRun)})`;
      return job;
    });
  }

  /**
   * The hottest read of the API, in plain SQL on Prisma's own pool: through Prisma's engine it took
   * about half the CPU of a GET /jobs/:id, which answered twice as many requests a second without it
   * (npm run bench -- api). The columns come back named and typed as Prisma's Job.
   */
  async findById(id: number): Promise<Job | null> {
    const { rows } = await this.prisma.pool.query<Job>(FIND_BY_ID, [id]);
    return rows[0] ?? null;
  }

  async list(query: ListJobsQuery): Promise<{ jobs: Job[]; total: number }> {
    const search = query.search && escapeLikePattern(query.search);
    const where: Prisma.JobWhereInput = {
      isActive: query.isActive,
      type: query.type,
      lastStatus: query.lastStatus,
      ...(search
        ? {
            OR: [
              { name: { contains: search, mode: 'insensitive' } },
              { description: { contains: search, mode: 'insensitive' } },
            ],
          }
        : {}),
    };
    const [jobs, total] = await this.prisma.$transaction([
      this.prisma.job.findMany({ where, orderBy: { id: 'asc' }, take: query.limit, skip: query.offset }),
      this.prisma.job.count({ where }),
    ]);
    return { jobs, total };
  }

  /** Null when the job does not exist. */
  async update(id: number, data: Prisma.JobUpdateInput): Promise<Job | null> {
    const due = dueInstant(data.nextRun);
    try {
      if (!due) return await this.prisma.job.update({ where: { id }, data });
      const [job] = await this.prisma.$transaction([this.prisma.job.update({ where: { id }, data }), this.notifyDue(due)]);
      return job;
    } catch (error) {
      if (isRecordNotFound(error)) return null;
      throw error;
    }
  }

  private notifyDue(at: Date) {
    return this.prisma.$executeRaw`SELECT pg_notify(${DUE_CHANNEL}, ${dueNoticePayload(at)})`;
  }

  /** Deletes the job and, through the foreign key, its runs. False when it did not exist. */
  async delete(id: number): Promise<boolean> {
    const { count } = await this.prisma.job.deleteMany({ where: { id } });
    return count > 0;
  }
}
