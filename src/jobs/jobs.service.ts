import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { JobCache } from '../cache/job-cache';
import { Clock } from '../clock/clock';
import { isUniqueViolation } from '../database/prisma-errors';
import type { Job, Prisma } from '../generated/prisma/client';
import { JobTypeRegistry } from '../job-types/job-type.registry';
import type { ListRunsQuery } from '../runs/dto/list-runs.query';
import { RunPageResponse, RunResponse } from '../runs/dto/run.response';
import { RunsRepository } from '../runs/runs.repository';
import { RunStore } from '../scheduler/run-store';
import { SchedulerService } from '../scheduler/scheduler.service';
import { canonicalTimezone, nextOccurrence, nextOccurrences, UncomputableOccurrence, usesHash } from '../schedules/cron-schedule';
import { badRequest } from '../validation/field-problems';
import type { BulkChangeResponse } from './dto/bulk-change.response';
import type { CreateJobDto } from './dto/create-job.dto';
import { JobPageResponse, JobResponse } from './dto/job.response';
import type { ListJobsQuery } from './dto/list-jobs.query';
import type { UpdateJobDto } from './dto/update-job.dto';
import { normaliseSchedule } from './document/job-definition';
import { JobsRepository } from './jobs.repository';

const DEFAULT_TYPE = 'log';
const DEFAULT_TIMEZONE = 'UTC';

@Injectable()
export class JobsService {
  constructor(
    private readonly jobs: JobsRepository,
    private readonly runs: RunsRepository,
    private readonly types: JobTypeRegistry,
    private readonly clock: Clock,
    private readonly runStore: RunStore,
    private readonly scheduler: SchedulerService,
    private readonly cache: JobCache,
    @InjectPinoLogger('Jobs') private readonly audit: PinoLogger,
  ) {}

  async create(dto: CreateJobDto): Promise<JobResponse> {
    const type = dto.type ?? DEFAULT_TYPE;
    const schedule = normaliseSchedule(dto.schedule);
    const timezone = canonicalTimezone(dto.timezone ?? DEFAULT_TIMEZONE) as string;
    const isActive = dto.isActive ?? true;
    const data = { ...dto, schedule, timezone, type, params: this.checkedParams(type, dto.params ?? {}), isActive };
    // H derives its values from the job's id, known only once the row exists.
    const job = await this.saving(dto.name, () =>
      usesHash(schedule)
        ? this.jobs.createSeeded(data, (id) => this.nextRunOf(schedule, timezone, isActive, id))
        : this.jobs.create({ ...data, nextRun: this.nextRunOf(schedule, timezone, isActive) }),
    );
    await this.cache.invalidate([job.id]);
    this.audit.info({ jobId: job.id, name: job.name, type, schedule, params: job.params }, 'job created');
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

  async update(id: number, dto: UpdateJobDto): Promise<JobResponse> {
    const current = await this.require(id);
    if (dto.type === undefined) this.requireAvailable(current.type);
    const { params, ...fields } = dto;
    const data: Prisma.JobUpdateInput = { ...fields };
    if (dto.schedule !== undefined) data.schedule = normaliseSchedule(dto.schedule);
    if (dto.timezone !== undefined) data.timezone = canonicalTimezone(dto.timezone);
    if (dto.type !== undefined || params !== undefined) {
      data.params = this.checkedParams(dto.type ?? current.type, params ?? current.params);
    }
    if (dto.schedule !== undefined || dto.timezone !== undefined || dto.isActive !== undefined) {
      data.nextRun = this.nextRunOf(
        (data.schedule as string | undefined) ?? current.schedule,
        (data.timezone as string | undefined) ?? current.timezone,
        dto.isActive ?? current.isActive,
        id,
      );
    }
    const job = await this.saving(dto.name ?? current.name, () => this.jobs.update(id, data));
    await this.cache.invalidate([id]);
    if (!job) throw notFound(id);
    this.audit.info({ jobId: id, changes: dto }, 'job updated');
    return JobResponse.from(job);
  }

  /** Pauses (or resumes) every job carrying the tag; resumed jobs are due at their next occurrence from now. */
  async setActiveByTag(tag: string, isActive: boolean): Promise<BulkChangeResponse> {
    const jobIds = await this.jobs.setActiveByTag(tag, isActive, (job) => this.nextRunOf(job.schedule, job.timezone, isActive, job.id));
    await this.cache.invalidate(jobIds);
    this.audit.info({ tag, isActive, jobIds }, isActive ? 'jobs resumed by tag' : 'jobs paused by tag');
    return { changed: jobIds.length, jobIds };
  }

  async remove(id: number): Promise<void> {
    const deleted = await this.jobs.delete(id);
    await this.cache.invalidate([id]);
    if (!deleted) throw notFound(id);
    this.audit.info({ jobId: id }, 'job deleted');
  }

  async nextRuns(id: number, count: number): Promise<Date[]> {
    const job = await this.require(id);
    try {
      return nextOccurrences(job.schedule, job.timezone, this.clock.now(), count, job.id);
    } catch (error) {
      if (error instanceof UncomputableOccurrence) throw new ConflictException(`schedule: ${error.message}; change it with PATCH /jobs/${id}`);
      throw error;
    }
  }

  async listRuns(id: number, query: ListRunsQuery): Promise<RunPageResponse> {
    await this.require(id);
    const { runs, total } = await this.runs.listForJob(id, query);
    return { data: runs.map(RunResponse.from), total, limit: query.limit, offset: query.offset };
  }

  /**
   * Runs the job once, now, whether active or not, without moving its nextRun: the run is queued
   * for the claim path like a retry, and this instance's scheduler is woken to start it.
   */
  async trigger(id: number): Promise<RunResponse> {
    const pending = await this.runStore.enqueueManualRun(id);
    const run = pending && (await this.runs.findById(Number(pending.id)));
    if (!run) throw notFound(id);
    this.scheduler.wake();
    this.audit.info({ jobId: id, runId: run.id }, 'run requested');
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
      if (isUniqueViolation(error)) throw new ConflictException(`name: a job named "${name}" already exists`);
      throw error;
    }
  }
}

function notFound(id: number): NotFoundException {
  return new NotFoundException(`job ${id} does not exist`);
}
