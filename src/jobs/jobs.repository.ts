import { Injectable } from '@nestjs/common';
import type { PoolClient, QueryResultRow } from 'pg';
import { PrismaService } from '../database/prisma.service';
import { DUE_CHANNEL, dueNoticePayload } from '../due-notices/due-notice';
import type { Job, Prisma } from '../generated/prisma/client';
import { enqueueManualRun, type ManualRunRequest } from '../runs/enqueue-manual-run';
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
         retry_backoff_ms AS "retryBackoffMs", timeout_ms AS "timeoutMs", max_concurrency AS "maxConcurrency", last_run AS "lastRun", last_status AS "lastStatus",
         next_run AS "nextRun", schedule_error AS "scheduleError", created_at AS "createdAt", updated_at AS "updatedAt"
    FROM jobs WHERE id = $1`;

/** What else a change writes in its own transaction (its audit entry), given the job as it is after the change. */
export type Alongside = (transaction: Prisma.TransactionClient, job: Job) => Promise<void>;

/**
 * Every Prisma query on the jobs table. A write that gives a job a nextRun announces it on the due
 * channel in the same transaction, so whoever schedules wakes for it (see due-notice.ts).
 */
@Injectable()
export class JobsRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: Prisma.JobCreateInput, alongside: Alongside): Promise<Job> {
    return this.prisma.$transaction(async (transaction) => {
      const job = await transaction.job.create({ data });
      await notifyDue(transaction, job.nextRun);
      await alongside(transaction, job);
      return job;
    });
  }

  /**
   * Creates the job and sets its nextRun from its new id, in one transaction: for schedules whose
   * occurrences depend on the id (H), so the job is never visible without its nextRun.
   */
  createSeeded(data: Prisma.JobCreateInput, nextRunOf: (id: number) => Date | null, alongside: Alongside): Promise<Job> {
    return this.prisma.$transaction(async (transaction) => {
      const created = await transaction.job.create({ data });
      const job = await transaction.job.update({ where: { id: created.id }, data: { nextRun: nextRunOf(created.id) } });
      await notifyDue(transaction, job.nextRun);
      await alongside(transaction, job);
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
   * its nextRun from `nextRunOf` and `alongside` given it as it was and as it is; answers the ids changed.
   */
  setActiveByTag(
    tag: string,
    isActive: boolean,
    nextRunOf: (job: Job) => Date | null,
    alongside: (transaction: Prisma.TransactionClient, before: Job, after: Job) => Promise<void>,
  ): Promise<number[]> {
    return this.prisma.$transaction(async (transaction) => {
      const jobs = await transaction.job.findMany({ where: { tags: { has: tag }, isActive: !isActive }, orderBy: { id: 'asc' } });
      for (const before of jobs) {
        const after = await transaction.job.update({ where: { id: before.id }, data: { isActive, nextRun: nextRunOf(before) } });
        await notifyDue(transaction, after.nextRun);
        await alongside(transaction, before, after);
      }
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
          if (data.nextRun instanceof Date) await notifyDue(transaction, data.nextRun);
          writtenIds.push(id);
        }
        for (const definition of plan.create) {
          const { id } = await transaction.job.create({ data: writable(definition) as Prisma.JobCreateInput });
          const created = await transaction.job.update({ where: { id }, data: { nextRun: nextRunOf(definition, id) } });
          await notifyDue(transaction, created.nextRun);
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

  /**
   * Null when the job does not exist. The row is locked first, so that `alongside` gets the job as
   * it was just before this change and no other change slips in between.
   */
  update(id: number, data: Prisma.JobUpdateInput, alongside: (transaction: Prisma.TransactionClient, before: Job, after: Job) => Promise<void>): Promise<Job | null> {
    return this.prisma.$transaction(async (transaction) => {
      const before = await lockedJob(transaction, id);
      if (!before) return null;
      const after = await transaction.job.update({ where: { id }, data });
      if (data.nextRun instanceof Date) await notifyDue(transaction, after.nextRun);
      await alongside(transaction, before, after);
      return after;
    });
  }

  /** Deletes the job and, through the foreign key, its runs. False when it did not exist. `alongside` gets the job as it was. */
  delete(id: number, alongside: Alongside): Promise<boolean> {
    return this.prisma.$transaction(async (transaction) => {
      const before = await lockedJob(transaction, id);
      if (!before) return false;
      await transaction.job.delete({ where: { id } });
      await alongside(transaction, before);
      return true;
    });
  }

  /**
   * Queues a run now (see enqueueManualRun: refused while a forbid job has a run in flight) and lets
   * `alongside` write in the same transaction, on a client of Prisma's pool, since a Prisma
   * transaction cannot carry that statement.
   */
  async enqueueManualRun(jobId: number, alongside: (client: PoolClient, job: { name: string }, runId: number) => Promise<void>): Promise<ManualRunRequest> {
    const client = await this.prisma.pool.connect();
    try {
      await client.query('BEGIN');
      // FOR KEY SHARE: the job cannot be deleted before the run and its entry are written.
      const { rows } = await client.query<{ name: string }>('SELECT name FROM jobs WHERE id = $1 FOR KEY SHARE', [jobId]);
      const request: ManualRunRequest = rows[0] ? await enqueueManualRun(statementsMayFail(client), jobId) : { outcome: 'missing' };
      if (request.outcome === 'queued') await alongside(client, rows[0], request.runId);
      await client.query('COMMIT');
      return request;
    } catch (error) {
      // The original error is the one worth reporting, also when the connection is gone for the rollback.
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

/** Announces a job's new nextRun to whoever schedules, in the writing transaction (delivered only if it commits). */
async function notifyDue(transaction: Prisma.TransactionClient, nextRun: Date | null): Promise<void> {
  if (nextRun) await transaction.$executeRaw`SELECT pg_notify(${DUE_CHANNEL}, ${dueNoticePayload(nextRun)})`;
}

async function lockedJob(transaction: Prisma.TransactionClient, id: number): Promise<Job | null> {
  const locked = await transaction.$queryRaw<{ id: number }[]>`SELECT id FROM jobs WHERE id = ${id} FOR UPDATE`;
  return locked.length === 0 ? null : transaction.job.findUnique({ where: { id } });
}

/**
 * A transaction's client whose statements may each fail alone: enqueueManualRun tries its insert
 * again after a unique violation, which would otherwise abort the whole transaction.
 */
function statementsMayFail(client: PoolClient) {
  return {
    async query<Row extends QueryResultRow>(text: string, values?: unknown[]) {
      await client.query('SAVEPOINT statement');
      try {
        const result = await client.query<Row>(text, values);
        await client.query('RELEASE SAVEPOINT statement');
        return result;
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT statement');
        throw error;
      }
    },
  };
}
