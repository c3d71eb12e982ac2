import { Injectable } from '@nestjs/common';
import { isRecordNotFound } from '../database/prisma-errors';
import { PrismaService } from '../database/prisma.service';
import type { Job, Prisma } from '../generated/prisma/client';
import type { ApplyPlan } from './document/apply-plan';
import type { JobDefinition } from './document/job-definition';
import type { ListJobsQuery } from './dto/list-jobs.query';

/** An apply of a large document on a loaded machine takes longer than Prisma's 5 s default. */
const APPLY_TIMEOUT_MS = 60_000;
const SCHEDULING_FIELDS = ['schedule', 'timezone', 'isActive'] as const;

const writable = ({ params, ...fields }: Partial<JobDefinition>): Prisma.JobUpdateInput => ({
  ...fields,
  ...(params && { params: params as Prisma.InputJsonObject }),
});

/** Prisma puts `contains` into a LIKE pattern as is: %, _ and \\ must not act as wildcards there. */
const escapeLikePattern = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

const FIND_BY_ID = `
  SELECT id, name, description, schedule, timezone, type, params, tags, is_active AS "isActive",
         overlap_policy AS "overlapPolicy", misfire_policy AS "misfirePolicy", max_attempts AS "maxAttempts",
         retry_backoff_ms AS "retryBackoffMs", timeout_ms AS "timeoutMs", last_run AS "lastRun", last_status AS "lastStatus",
         next_run AS "nextRun", created_at AS "createdAt", updated_at AS "updatedAt"
    FROM jobs WHERE id = $1`;

/** Every Prisma query on the jobs table. */
@Injectable()
export class JobsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: Prisma.JobCreateInput): Promise<Job> {
    return this.prisma.job.create({ data });
  }

  /**
   * Creates the job and sets its nextRun from its new id, in one transaction: for schedules whose
   * occurrences depend on the id (H), so the job is never visible without its nextRun.
   */
  createSeeded(data: Prisma.JobCreateInput, nextRunOf: (id: number) => Date | null): Promise<Job> {
    return this.prisma.$transaction(async (transaction) => {
      const job = await transaction.job.create({ data });
      return transaction.job.update({ where: { id: job.id }, data: { nextRun: nextRunOf(job.id) } });
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
      ...(query.tag ? { tags: { has: query.tag } } : {}),
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

  /**
   * Pauses or resumes, in one transaction, every job carrying `tag` that is not so already, each with
   * its nextRun from `nextRunOf`; answers the ids changed.
   */
  setActiveByTag(tag: string, isActive: boolean, nextRunOf: (job: Job) => Date | null): Promise<number[]> {
    return this.prisma.$transaction(async (transaction) => {
      const jobs = await transaction.job.findMany({ where: { tags: { has: tag }, isActive: !isActive }, orderBy: { id: 'asc' } });
      for (const job of jobs) await transaction.job.update({ where: { id: job.id }, data: { isActive, nextRun: nextRunOf(job) } });
      return jobs.map((job) => job.id);
    });
  }

  /**
   * In one transaction: reads every job, asks `makePlan` what to do with them (it may throw, which
   * changes nothing), and unless `write` is false carries the plan out, each created or rescheduled
   * job given its nextRun from `nextRunOf`. Answers the plan and the ids of the jobs it wrote.
   */
  reconcile(
    makePlan: (current: Job[]) => ApplyPlan,
    nextRunOf: (definition: JobDefinition, id: number) => Date | null,
    write: boolean,
  ): Promise<{ plan: ApplyPlan; writtenIds: number[] }> {
    return this.prisma.$transaction(
      async (transaction) => {
        const plan = makePlan(await transaction.job.findMany({ orderBy: { name: 'asc' } }));
        if (!write) return { plan, writtenIds: [] };
        const writtenIds: number[] = [];
        for (const { id } of plan.delete) {
          await transaction.job.delete({ where: { id } });
          writtenIds.push(id);
        }
        for (const { id, definition, changes } of plan.update) {
          const fields = Object.fromEntries(Object.keys(changes).map((field) => [field, definition[field as keyof JobDefinition]]));
          const data = writable(fields);
          if (SCHEDULING_FIELDS.some((field) => field in changes)) data.nextRun = nextRunOf(definition, id);
          await transaction.job.update({ where: { id }, data });
          writtenIds.push(id);
        }
        for (const definition of plan.create) {
          const { id } = await transaction.job.create({ data: writable(definition) as Prisma.JobCreateInput });
          await transaction.job.update({ where: { id }, data: { nextRun: nextRunOf(definition, id) } });
          writtenIds.push(id);
        }
        return { plan, writtenIds };
      },
      { timeout: APPLY_TIMEOUT_MS },
    );
  }

  /** Every job, by name: what an export writes. */
  findAllByName(): Promise<Job[]> {
    return this.prisma.job.findMany({ orderBy: { name: 'asc' } });
  }

  /** Null when the job does not exist. */
  async update(id: number, data: Prisma.JobUpdateInput): Promise<Job | null> {
    try {
      return await this.prisma.job.update({ where: { id }, data });
    } catch (error) {
      if (isRecordNotFound(error)) return null;
      throw error;
    }
  }

  /** Deletes the job and, through the foreign key, its runs. False when it did not exist. */
  async delete(id: number): Promise<boolean> {
    const { count } = await this.prisma.job.deleteMany({ where: { id } });
    return count > 0;
  }
}
