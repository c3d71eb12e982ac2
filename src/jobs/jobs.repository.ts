import { Injectable } from '@nestjs/common';
import type { PoolClient, QueryResultRow } from 'pg';
import { inTransaction } from '../database/pg-transaction';
import { PrismaService } from '../database/prisma.service';
import { DUE_CHANNEL, dueNoticePayload } from '../due-notices/due-notice';
import { type Job, Prisma } from '../generated/prisma/client';
import { enqueueManualRun, type ManualRunRequest } from '../runs/enqueue-manual-run';
import { enqueueOccurrences } from '../runs/enqueue-occurrences';
import type { ApplyPlan } from './document/apply-plan';
import type { JobDefinition } from './document/job-definition';
import type { ListJobsQuery } from './dto/list-jobs.query';

/** An apply of a large document on a loaded machine takes longer than Prisma's 5 s default. */
const APPLY_TIMEOUT_MS = 60_000;
const SCHEDULING_FIELDS = ['schedule', 'timezone', 'isActive', 'jitterMs'] as const;

const writable = ({ params, notify, ...fields }: Partial<JobDefinition>): Prisma.JobUpdateInput => ({
  ...fields,
  ...(params && { params: params as Prisma.InputJsonObject }),
  ...(notify !== undefined && { notify: notify === null ? Prisma.DbNull : (notify as unknown as Prisma.InputJsonObject) }),
});

/** Prisma puts `contains` into a LIKE pattern as is: %, _ and \\ must not act as wildcards there. */
const escapeLikePattern = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

const FIND_BY_ID = `
  SELECT id, name, description, schedule, run_at AS "runAt", timezone, type, params, tags, is_active AS "isActive",
         overlap_policy AS "overlapPolicy", misfire_policy AS "misfirePolicy", max_attempts AS "maxAttempts",
         retry_backoff_ms AS "retryBackoffMs", timeout_ms AS "timeoutMs", max_concurrency AS "maxConcurrency",
         jitter_ms AS "jitterMs", max_catch_up AS "maxCatchUp", notify, consecutive_failures AS "consecutiveFailures",
         last_run AS "lastRun", last_status AS "lastStatus",
         next_run AS "nextRun", schedule_error AS "scheduleError", created_at AS "createdAt", updated_at AS "updatedAt"
    FROM jobs WHERE id = $1`;

/** Jobs as code covers scheduled jobs: a one-off job (runAt) is neither exported nor pruned. */
const SCHEDULED: Prisma.JobWhereInput = { schedule: { not: null } };

/** The jobs given but the one-off jobs that have a run of their one occurrence. */
async function unfinished(transaction: Prisma.TransactionClient, jobs: Job[]): Promise<Job[]> {
  const oneOffs = jobs.filter((job) => job.runAt !== null);
  if (oneOffs.length === 0) return jobs;
  const finished = await transaction.jobRun.findMany({
    where: { OR: oneOffs.map((job) => ({ jobId: job.id, scheduledFor: job.runAt! })) },
    select: { jobId: true },
    distinct: ['jobId'],
  });
  const finishedIds = new Set(finished.map((run) => run.jobId));
  return jobs.filter((job) => !finishedIds.has(job.id));
}

/** What else a change writes in its own transaction (its audit entry), given the job as it is after the change. */
export type Alongside = (transaction: Prisma.TransactionClient, job: Job) => Promise<void>;

/** What else an apply writes for each job it changes, in its transaction: the job as it was (null: created) and as it is (null: deleted). */
export type AlongsideChange = (transaction: Prisma.TransactionClient, before: Job | null, after: Job | null) => Promise<void>;

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
   * A finished one-off job (its occurrence has a run) is not resumed: it would run a second time.
   */
  setActiveByTag(
    tag: string,
    isActive: boolean,
    nextRunOf: (job: Job) => Date | null,
    alongside: (transaction: Prisma.TransactionClient, before: Job, after: Job) => Promise<void>,
  ): Promise<number[]> {
    return this.prisma.$transaction(async (transaction) => {
      const found = await transaction.job.findMany({ where: { tags: { has: tag }, isActive: !isActive }, orderBy: { id: 'asc' } });
      const jobs = isActive ? await unfinished(transaction, found) : found;
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
   * job given its nextRun from `nextRunOf`, each change followed by `alongside`. Answers the plan and
   * the ids of the jobs it wrote.
   */
  reconcile(
    makePlan: (current: Job[]) => ApplyPlan,
    nextRunOf: (definition: JobDefinition, id: number) => Date | null,
    write: boolean,
    alongside: AlongsideChange,
  ): Promise<{ plan: ApplyPlan; writtenIds: number[] }> {
    return this.prisma.$transaction(
      async (transaction) => {
        const current = await transaction.job.findMany({ where: SCHEDULED, orderBy: { name: 'asc' } });
        const plan = makePlan(current);
        if (!write) return { plan, writtenIds: [] };
        const before = new Map(current.map((job) => [job.id, job]));
        const writtenIds: number[] = [];
        for (const { id } of plan.delete) {
          await transaction.job.delete({ where: { id } });
          await alongside(transaction, before.get(id)!, null);
          writtenIds.push(id);
        }
        for (const { id, definition, changes } of plan.update) {
          const fields = Object.fromEntries(Object.keys(changes).map((field) => [field, definition[field as keyof JobDefinition]]));
          const data = writable(fields);
          if (SCHEDULING_FIELDS.some((field) => field in changes)) data.nextRun = nextRunOf(definition, id);
          const after = await transaction.job.update({ where: { id }, data });
          if (data.nextRun instanceof Date) await notifyDue(transaction, data.nextRun);
          await alongside(transaction, before.get(id)!, after);
          writtenIds.push(id);
        }
        for (const definition of plan.create) {
          const { id } = await transaction.job.create({ data: writable(definition) as Prisma.JobCreateInput });
          const created = await transaction.job.update({ where: { id }, data: { nextRun: nextRunOf(definition, id) } });
          await notifyDue(transaction, created.nextRun);
          await alongside(transaction, null, created);
          writtenIds.push(id);
        }
        return { plan, writtenIds };
      },
      { timeout: APPLY_TIMEOUT_MS },
    );
  }

  /** Every scheduled job, by name: what an export writes. */
  findAllByName(): Promise<Job[]> {
    return this.prisma.job.findMany({ where: SCHEDULED, orderBy: { name: 'asc' } });
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
   * Queues a run now (see enqueueManualRun: refused while the job is at its run limit) and lets
   * `alongside` write in the same transaction, on a client of Prisma's pool, since a Prisma
   * transaction cannot carry that statement.
   */
  enqueueManualRun(jobId: number, alongside: (client: PoolClient, job: { name: string }, runId: number) => Promise<void>): Promise<ManualRunRequest> {
    return this.withRunsOf(jobId, { outcome: 'missing' }, async (client, job) => {
      const request = await enqueueManualRun(statementsMayFail(client), jobId);
      if (request.outcome === 'queued') await alongside(client, job, request.runId);
      return request;
    });
  }

  /**
   * Queues past occurrences of the job as pending runs, those without a run yet (see
   * enqueueOccurrences), and lets `alongside` write in the same transaction. Answers how many it
   * queued, or null when the job does not exist.
   */
  enqueueOccurrences(jobId: number, occurrences: Date[], alongside: (client: PoolClient, job: { name: string }, queued: number) => Promise<void>): Promise<number | null> {
    return this.withRunsOf(jobId, null, async (client, job) => {
      const queued = await enqueueOccurrences(client, occurrences.map((scheduledFor) => ({ jobId, scheduledFor })));
      await alongside(client, job, queued);
      return queued;
    });
  }

  /** Runs `work` in a transaction on the job's row (or answers `missing`), on a client of Prisma's pool for the runs' SQL. */
  private withRunsOf<T>(jobId: number, missing: T, work: (client: PoolClient, job: { name: string }) => Promise<T>): Promise<T> {
    return inTransaction(this.prisma.pool, async (client) => {
      // FOR KEY SHARE: the job cannot be deleted before the runs and their entry are written.
      const { rows } = await client.query<{ name: string }>('SELECT name FROM jobs WHERE id = $1 FOR KEY SHARE', [jobId]);
      return rows[0] ? work(client, rows[0]) : missing;
    });
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
