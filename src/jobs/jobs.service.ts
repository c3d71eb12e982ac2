import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { Actor } from '../audit/actor';
import type { AuditAction } from '../audit/audit-entry';
import { AuditLog } from '../audit/audit-log';
import type { AuditPageResponse } from '../audit/dto/audit-entry.response';
import { fieldDiff } from '../audit/field-diff';
import { JobCache } from '../cache/job-cache';
import { Clock } from '../clock/clock';
import { isUniqueViolation } from '../database/prisma-errors';
import type { Job, Prisma } from '../generated/prisma/client';
import { JobTypeRegistry } from '../job-types/job-type.registry';
import type { ListRunsQuery } from '../runs/dto/list-runs.query';
import { RunPageResponse, RunResponse } from '../runs/dto/run.response';
import { RunsRepository } from '../runs/runs.repository';
import { canonicalTimezone, nextOccurrence, nextOccurrences, UncomputableOccurrence, usesHash } from '../schedules/cron-schedule';
import { badRequest, conflict } from '../validation/field-problems';
import type { PaginationQuery } from '../validation/pagination.query';
import type { BulkChangeResponse } from './dto/bulk-change.response';
import { type CreateJobDto, DEFAULT_JOB_TYPE } from './dto/create-job.dto';
import { JobPageResponse, JobResponse } from './dto/job.response';
import type { ListJobsQuery } from './dto/list-jobs.query';
import type { UpdateJobDto } from './dto/update-job.dto';
import { normaliseSchedule } from './document/job-definition';
import { JobsRepository } from './jobs.repository';

const DEFAULT_TIMEZONE = 'UTC';

@Injectable()
export class JobsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly runs: RunsRepository,
    private readonly types: JobTypeRegistry,
    private readonly clock: Clock,
    private readonly cache: JobCache,
    private readonly auditLog: AuditLog,
    @InjectPinoLogger('Jobs') private readonly logger: PinoLogger,
  ) {}

  async create(dto: CreateJobDto, actor: Actor): Promise<JobResponse> {
    const type = dto.type ?? DEFAULT_JOB_TYPE;
    const schedule = normaliseSchedule(dto.schedule);
    const timezone = canonicalTimezone(dto.timezone ?? DEFAULT_TIMEZONE) as string;
    const isActive = dto.isActive ?? true;
    const data = { ...dto, schedule, timezone, type, params: this.checkedParams(type, dto.params ?? {}), isActive };
    requireConcurrencyFits(dto.overlapPolicy ?? 'allow', dto.maxConcurrency ?? null, 'maxConcurrency');
    const audited = (transaction: Prisma.TransactionClient, created: Job) =>
      this.auditLog.record(transaction, { actor, action: 'create', jobId: created.id, jobName: created.name, changes: fieldDiff(null, created) });
    // H derives its values from the job's id, known only once the row exists.
    const job = await this.saving(dto.name, () =>
      usesHash(schedule)
        ? this.jobs.createSeeded(data, (id) => this.nextRunOf(schedule, timezone, isActive, id), audited)
        : this.jobs.create({ ...data, nextRun: this.nextRunOf(schedule, timezone, isActive) }, audited),
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
    const { params, ...fields } = dto;
    const data: Prisma.JobUpdateInput = { ...fields };
    if (dto.schedule !== undefined) data.schedule = normaliseSchedule(dto.schedule);
    if (dto.timezone !== undefined) data.timezone = canonicalTimezone(dto.timezone);
    if (dto.type !== undefined || params !== undefined) {
      // Another type starts from its own defaults: the old type's (log's level) mean nothing to it.
      const typeChanges = dto.type !== undefined && dto.type !== current.type;
      data.params = this.checkedParams(dto.type ?? current.type, params ?? (typeChanges ? {} : current.params));
    }
    if (dto.schedule !== undefined || dto.timezone !== undefined || dto.isActive !== undefined) {
      data.nextRun = this.nextRunOf(
        (data.schedule as string | undefined) ?? current.schedule,
        (data.timezone as string | undefined) ?? current.timezone,
        dto.isActive ?? current.isActive,
        id,
      );
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

  /** Pauses (or resumes) every job carrying the tag, each change audited; resumed jobs are due at their next occurrence from now. */
  async setActiveByTag(tag: string, isActive: boolean, actor: Actor): Promise<BulkChangeResponse> {
    const jobIds = await this.jobs.setActiveByTag(
      tag,
      isActive,
      (job) => this.nextRunOf(job.schedule, job.timezone, isActive, job.id),
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
    try {
      return { occurrences: nextOccurrences(job.schedule, job.timezone, this.clock.now(), count, job.id), paused: !job.isActive };
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
    if (request.outcome === 'busy') {
      throw conflict([
        { field: 'overlapPolicy', message: `job ${id} forbids overlapping runs and one is in flight (running, queued or waiting for a retry); ask again once it has finished` },
      ]);
    }
    const run = request.outcome === 'queued' ? await this.runs.findById(request.runId) : null;
    if (!run) throw notFound(id);
    this.logger.info({ jobId: id, runId: run.id }, 'run requested');
    return RunResponse.from(run);
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
  private nextRunOf(schedule: string, timezone: string, isActive: boolean, seed?: number): Date | null {
    if (!isActive) return null;
    try {
      return nextOccurrence(schedule, timezone, this.clock.now(), seed);
    } catch (error) {
      if (error instanceof UncomputableOccurrence) throw badRequest([{ field: 'schedule', message: error.message }]);
      throw error;
    }
  }

  private async saving<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict([{ field: 'name', message: `a job named "${name}" already exists` }]);
      throw error;
    }
  }
}

/** overlapPolicy forbid never starts a run while another is going: a limit above 1 would say otherwise. */
function requireConcurrencyFits(overlapPolicy: Job['overlapPolicy'], maxConcurrency: number | null, field: 'maxConcurrency' | 'overlapPolicy'): void {
  if (overlapPolicy !== 'forbid' || maxConcurrency === null || maxConcurrency === 1) return;
  const message =
    field === 'maxConcurrency'
      ? `must be 1 or null with overlapPolicy "forbid", which never runs two at once (got ${maxConcurrency})`
      : `cannot be "forbid" while maxConcurrency is ${maxConcurrency}: set maxConcurrency to 1 or null with it`;
  throw badRequest([{ field, message }]);
}

/** A PATCH of isActive alone is a pause or a resume (what an operator may do); any other is an update. */
function updateAction(dto: UpdateJobDto): AuditAction {
  const fields = Object.keys(dto).filter((key) => dto[key as keyof UpdateJobDto] !== undefined);
  if (fields.length === 1 && fields[0] === 'isActive') return dto.isActive ? 'resume' : 'pause';
  return 'update';
}

function notFound(id: number): NotFoundException {
  return new NotFoundException(`job ${id} does not exist`);
}
