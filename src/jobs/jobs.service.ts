import { Injectable, NotFoundException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Actor } from '../audit/actor';
import { type AuditAction, changeAction } from '../audit/audit-entry';
import { AuditLog } from '../audit/audit-log';
import type { AuditPageResponse } from '../audit/dto/audit-entry.response';
import { fieldDiff } from '../audit/field-diff';
import { JobCache } from '../cache/job-cache';
import { Clock } from '../clock/clock';
import type { Environment } from '../config/environment';
import { isUniqueViolation } from '../database/prisma-errors';
import { type Job, Prisma } from '../generated/prisma/client';
import { AlertSettings } from '../alerts/alert-settings';
import type { NotifyDto } from '../alerts/dto/notify.dto';
import { JobTypeRegistry } from '../job-types/job-type.registry';
import type { ListRunsQuery } from '../runs/dto/list-runs.query';
import { RunPageResponse, RunResponse } from '../runs/dto/run.response';
import type { ManualRunRequest } from '../runs/enqueue-manual-run';
import { RunsRepository } from '../runs/runs.repository';
import { canonicalTimezone, compileSchedule, nextOccurrence, nextOccurrences, UncomputableOccurrence, usesHash } from '../schedules/cron-schedule';
import { badRequest, conflict, type FieldProblem } from '../validation/field-problems';
import type { PaginationQuery } from '../validation/pagination.query';
import type { BackfillDto } from './dto/backfill.dto';
import type { BackfillResponse } from './dto/backfill.response';
import type { BulkChangeResponse } from './dto/bulk-change.response';
import { type CreateJobDto, DEFAULT_JOB_TYPE } from './dto/create-job.dto';
import { JobPageResponse, JobResponse } from './dto/job.response';
import type { ListJobsQuery } from './dto/list-jobs.query';
import type { UpdateJobDto } from './dto/update-job.dto';
import { normaliseSchedule } from './document/job-definition';
import { concurrencyProblem } from './concurrency-problem';
import { JobsRepository } from './jobs.repository';

const DEFAULT_TIMEZONE = 'UTC';
/** Occurrences one backfill may queue: a bound on what one request starts. */
export const MAX_BACKFILL = 1_000;

/** When a job runs: a cron schedule, or once at runAt (a one-off job). */
interface Timing {
  schedule: string | null;
  runAt: Date | null;
  timezone: string;
  isActive: boolean;
  jitterMs: number;
}

@Injectable()
export class JobsService {
  private readonly misfireThresholdMs: number;

  constructor(
    private readonly jobs: JobsRepository,
    private readonly runs: RunsRepository,
    private readonly types: JobTypeRegistry,
    private readonly clock: Clock,
    private readonly cache: JobCache,
    private readonly auditLog: AuditLog,
    private readonly alerts: AlertSettings,
    @InjectPinoLogger('Jobs') private readonly logger: PinoLogger,
    config: ConfigService<Environment, true>,
  ) {
    this.misfireThresholdMs = config.get('MISFIRE_THRESHOLD_MS', { infer: true });
  }

  async create(dto: CreateJobDto, actor: Actor): Promise<JobResponse> {
    const type = dto.type ?? DEFAULT_JOB_TYPE;
    requireOneTiming(dto);
    const schedule = dto.schedule === undefined ? null : normaliseSchedule(dto.schedule);
    const runAt = dto.runAt === undefined ? null : new Date(dto.runAt);
    const timezone = canonicalTimezone(dto.timezone ?? DEFAULT_TIMEZONE) as string;
    const isActive = dto.isActive ?? true;
    const jitterMs = dto.jitterMs ?? 0;
    const timing = { schedule, runAt, timezone, isActive, jitterMs };
    const data = { ...dto, schedule, runAt, timezone, type, params: this.checkedParams(type, dto.params ?? {}), isActive, notify: this.storedNotify(dto.notify) };
    requireConcurrencyFits(dto.overlapPolicy ?? 'allow', dto.maxConcurrency ?? null, 'maxConcurrency');
    const audited = (transaction: Prisma.TransactionClient, created: Job) =>
      this.auditLog.record(transaction, { actor, action: 'create', jobId: created.id, jobName: created.name, changes: fieldDiff(null, created) });
    // H and the jitter derive their values from the job's id, known only once the row exists.
    const job = await this.saving(dto.name, () =>
      (schedule !== null && usesHash(schedule)) || jitterMs > 0
        ? this.jobs.createSeeded(data, (id) => this.nextRunOf(timing, id), audited)
        : this.jobs.create({ ...data, nextRun: this.nextRunOf(timing) }, audited),
    );
    await this.cache.invalidate([job.id]);
    this.logger.info({ jobId: job.id, name: job.name, type, schedule, params: job.params }, 'job created');
    return JobResponse.from(job);
  }

  list(query: ListJobsQuery): Promise<JobPageResponse> {
    return this.cache.list(JSON.stringify(query), async () => {
      const { jobs, total } = await this.jobs.list(query);
      return { data: jobs.map(JobResponse.from), total, limit: query.limit, offset: query.offset };
    });
  }

  get(id: number): Promise<JobResponse> {
    return this.cache.job(id, async () => JobResponse.from(await this.require(id)));
  }

  async update(id: number, dto: UpdateJobDto, actor: Actor): Promise<JobResponse> {
    const current = await this.require(id);
    if (dto.type === undefined) this.requireAvailable(current.type);
    requireOneTiming(dto);
    const { params, runAt, notify, ...fields } = dto;
    const data: Prisma.JobUpdateInput = { ...fields, notify: this.storedNotify(notify) };
    // A schedule makes a one-off job a scheduled one, a runAt the other way round.
    if (dto.schedule !== undefined) Object.assign(data, { schedule: normaliseSchedule(dto.schedule), runAt: null });
    if (runAt !== undefined) Object.assign(data, { schedule: null, runAt: new Date(runAt) });
    if (dto.timezone !== undefined) data.timezone = canonicalTimezone(dto.timezone);
    if (dto.type !== undefined || params !== undefined) {
      // Another type starts from its own defaults: the old type's (log's level) mean nothing to it.
      const typeChanges = dto.type !== undefined && dto.type !== current.type;
      data.params = this.checkedParams(dto.type ?? current.type, params ?? (typeChanges ? {} : current.params));
    }
    if (dto.schedule !== undefined || runAt !== undefined || dto.timezone !== undefined || dto.isActive !== undefined || dto.jitterMs !== undefined) {
      const timing: Timing = {
        schedule: data.schedule !== undefined ? (data.schedule as string | null) : current.schedule,
        runAt: data.runAt !== undefined ? (data.runAt as Date | null) : current.runAt,
        timezone: (data.timezone as string | undefined) ?? current.timezone,
        isActive: dto.isActive ?? current.isActive,
        jitterMs: dto.jitterMs ?? current.jitterMs,
      };
      data.nextRun = this.nextRunOf(timing, id);
      data.scheduleError = null;
    }
    requireConcurrencyFits(
      dto.overlapPolicy ?? current.overlapPolicy,
      dto.maxConcurrency !== undefined ? dto.maxConcurrency : current.maxConcurrency,
      dto.maxConcurrency !== undefined ? 'maxConcurrency' : 'overlapPolicy',
    );
    const action = updateAction(dto);
    const job = await this.saving(dto.name ?? current.name, () =>
      this.jobs.update(id, data, (transaction, before, after) =>
        this.auditLog.record(transaction, { actor, action, jobId: id, jobName: after.name, changes: fieldDiff(before, after) }),
      ),
    );
    await this.cache.invalidate([id]);
    if (!job) throw notFound(id);
    this.logger.info({ jobId: id, changes: dto }, 'job updated');
    return JobResponse.from(job);
  }

  /**
   * Pauses (or resumes) every job carrying the tag, each change audited; resumed jobs are due at their
   * next occurrence from now. A resumed one-off job is due at its runAt even if that has passed: the
   * claim then applies its misfirePolicy, as to any late occurrence, instead of failing the request.
   */
  async setActiveByTag(tag: string, isActive: boolean, actor: Actor): Promise<BulkChangeResponse> {
    const jobIds = await this.jobs.setActiveByTag(
      tag,
      isActive,
      (job) => (isActive && job.schedule === null ? job.runAt : this.nextRunOf({ ...job, isActive }, job.id)),
      (transaction, before, after) =>
        this.auditLog.record(transaction, { actor, action: isActive ? 'resume' : 'pause', jobId: after.id, jobName: after.name, changes: fieldDiff(before, after) }),
    );
    await this.cache.invalidate(jobIds);
    this.logger.info({ tag, isActive, jobIds }, isActive ? 'jobs resumed by tag' : 'jobs paused by tag');
    return { changed: jobIds.length, jobIds };
  }

  async remove(id: number, actor: Actor): Promise<void> {
    const deleted = await this.jobs.delete(id, (transaction, before) =>
      this.auditLog.record(transaction, { actor, action: 'delete', jobId: id, jobName: before.name, changes: fieldDiff(before, null) }),
    );
    await this.cache.invalidate([id]);
    if (!deleted) throw notFound(id);
    this.logger.info({ jobId: id }, 'job deleted');
  }

  async nextRuns(id: number, count: number): Promise<{ occurrences: Date[]; paused: boolean }> {
    const job = await this.require(id);
    if (job.schedule === null) {
      const upcoming = job.runAt !== null && job.runAt > this.clock.now();
      return { occurrences: upcoming ? [job.runAt as Date] : [], paused: !job.isActive };
    }
    try {
      return { occurrences: nextOccurrences(job.schedule, job.timezone, this.clock.now(), count, job.id, job.jitterMs), paused: !job.isActive };
    } catch (error) {
      if (error instanceof UncomputableOccurrence) throw conflict([{ field: 'schedule', message: `${error.message}; change it with PATCH /jobs/${id}` }]);
      throw error;
    }
  }

  async listRuns(id: number, query: ListRunsQuery): Promise<RunPageResponse> {
    await this.require(id);
    const { runs, total } = await this.runs.listForJob(id, query);
    return { data: runs.map(RunResponse.from), total, limit: query.limit, offset: query.offset };
  }

  /** The job's audit entries, newest first. */
  async changes(id: number, page: PaginationQuery): Promise<AuditPageResponse> {
    await this.require(id);
    return this.auditLog.changesOf(id, page);
  }

  /**
   * Runs the job once, now, whether active or not, without moving its nextRun: the run is queued
   * for the claim path like a retry, and the notice it sends wakes whoever schedules.
   */
  async trigger(id: number, actor: Actor): Promise<RunResponse> {
    const request = await this.jobs.enqueueManualRun(id, (client, job, runId) =>
      this.auditLog.recordOn(client, { actor, action: 'run', jobId: id, jobName: job.name, runId, changes: [] }),
    );
    if (request.outcome === 'busy') throw conflict([atRunLimit(id, request)]);
    const run = request.outcome === 'queued' ? await this.runs.findById(request.runId) : null;
    if (!run) throw notFound(id);
    this.logger.info({ jobId: id, runId: run.id }, 'run requested');
    return RunResponse.from(run);
  }

  /**
   * Queues the job's occurrences in [from, to) as pending runs, each once: an occurrence that
   * already has a run (even a skipped one) is left alone, so asking again queues nothing more.
   */
  async backfill(id: number, dto: BackfillDto, actor: Actor): Promise<BackfillResponse> {
    const occurrences = this.occurrencesBetween(await this.require(id), dto.from, dto.to);
    const changes = [{ field: 'from', after: dto.from.toISOString() }, { field: 'to', after: dto.to.toISOString() }];
    const queued = await this.jobs.enqueueOccurrences(id, occurrences, (client, job) =>
      this.auditLog.recordOn(client, { actor, action: 'backfill', jobId: id, jobName: job.name, changes }),
    );
    if (queued === null) throw notFound(id);
    this.logger.info({ jobId: id, from: dto.from, to: dto.to, occurrences: occurrences.length, queued }, 'backfill queued');
    return { occurrences: occurrences.length, queued };
  }

  /** The job's occurrences (with its jitter) in [from, to), a past range of at most MAX_BACKFILL of them. */
  private occurrencesBetween(job: Job, from: Date, to: Date): Date[] {
    if (to <= from) throw badRequest([{ field: 'to', message: `must be later than from (${from.toISOString()})` }]);
    if (to > this.clock.now()) throw badRequest([{ field: 'to', message: 'must not be in the future: a backfill runs past occurrences, the schedule the coming ones' }]);
    if (job.schedule === null) throw conflict([{ field: 'schedule', message: `job ${job.id} is a one-off job (runAt): it has no occurrences to backfill` }]);
    try {
      const schedule = compileSchedule(job.schedule, job.timezone, job.id, job.jitterMs);
      const occurrences: Date[] = [];
      for (let occurrence = schedule.next(new Date(from.getTime() - 1)); occurrence && occurrence < to; occurrence = schedule.next(occurrence)) {
        if (occurrences.length === MAX_BACKFILL) {
          const message = `the range holds more than ${MAX_BACKFILL} occurrences, the most one backfill queues: end it at ${occurrence.toISOString()} or earlier`;
          throw badRequest([{ field: 'to', message }]);
        }
        occurrences.push(occurrence);
      }
      return occurrences;
    } catch (error) {
      if (error instanceof UncomputableOccurrence) throw conflict([{ field: 'schedule', message: `${error.message}; change it with PATCH /jobs/${job.id}` }]);
      throw error;
    }
  }

  private async require(id: number): Promise<Job> {
    const job = await this.jobs.findById(id);
    if (!job) throw notFound(id);
    return job;
  }

  /** A job of a type this service has disabled (shell, without SHELL_JOBS_ENABLED) may only be deleted or given another type. */
  private requireAvailable(type: string): void {
    const unavailable = this.types.get(type).availabilityProblem?.();
    if (unavailable) throw badRequest([{ field: 'type', message: `${unavailable}; until then this job can only be deleted or given another type` }]);
  }

  private checkedParams(type: string, params: unknown): Prisma.InputJsonObject {
    const check = this.types.checkParams(type, params);
    if (!check.ok) throw badRequest(check.problems);
    return check.params as Prisma.InputJsonObject;
  }

  /** A stored schedule the engine no longer reads (see README, "Cron expressions") must be replaced to activate the job. */
  private nextRunOf({ schedule, runAt, timezone, isActive, jitterMs }: Timing, seed?: number): Date | null {
    if (!isActive) return null;
    if (schedule === null) return this.checkedRunAt(runAt as Date);
    try {
      return nextOccurrence(schedule, timezone, this.clock.now(), seed, jitterMs);
    } catch (error) {
      if (error instanceof UncomputableOccurrence) throw badRequest([{ field: 'schedule', message: error.message }]);
      throw error;
    }
  }

  /** A one-off job runs at its runAt; one already later than the misfire threshold would never run as asked. */
  private checkedRunAt(runAt: Date): Date {
    const lateMs = this.clock.now().getTime() - runAt.getTime();
    if (lateMs <= this.misfireThresholdMs) return runAt;
    throw badRequest([
      { field: 'runAt', message: `is ${Math.round(lateMs / 1000)} s in the past, more than the misfire threshold (MISFIRE_THRESHOLD_MS=${this.misfireThresholdMs}): give an instant from now on` },
    ]);
  }

  private async saving<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict([{ field: 'name', message: `a job named "${name}" already exists` }]);
      throw error;
    }
  }

  /** Prisma writes a JSON column's null only when told which null. */
  private storedNotify(notify: NotifyDto | null | undefined): Prisma.InputJsonValue | typeof Prisma.DbNull | undefined {
    if (notify === undefined) return undefined;
    return notify === null ? Prisma.DbNull : (this.alerts.checked(notify) as unknown as Prisma.InputJsonValue);
  }
}

/** A 400 for a limit that contradicts overlapPolicy forbid. */
function requireConcurrencyFits(overlapPolicy: Job['overlapPolicy'], maxConcurrency: number | null, field: 'maxConcurrency' | 'overlapPolicy'): void {
  const problem = concurrencyProblem(overlapPolicy, maxConcurrency, field);
  if (problem) throw badRequest([problem]);
}

function atRunLimit(id: number, { limitedBy, limit }: Extract<ManualRunRequest, { outcome: 'busy' }>): FieldProblem {
  if (limitedBy === 'overlapPolicy') {
    return { field: 'overlapPolicy', message: `job ${id} forbids overlapping runs and one is in flight (running, queued or waiting for a retry); ask again once it has finished` };
  }
  return { field: 'maxConcurrency', message: `job ${id} allows ${limit} runs at once and as many are running, queued or waiting; ask again once one has finished` };
}

/** A job has a schedule or a runAt, never both. */
function requireOneTiming(dto: { schedule?: string; runAt?: string }): void {
  if (dto.schedule !== undefined && dto.runAt !== undefined) {
    throw badRequest([{ field: 'runAt', message: 'cannot be given with schedule: a job is either scheduled (schedule) or one-off (runAt)' }]);
  }
}

/** A PATCH of isActive alone is a pause or a resume (what an operator may do); any other is an update. */
function updateAction(dto: UpdateJobDto): AuditAction {
  return changeAction(Object.keys(dto).filter((key) => dto[key as keyof UpdateJobDto] !== undefined), dto.isActive);
}

function notFound(id: number): NotFoundException {
  return new NotFoundException(`job ${id} does not exist`);
}
