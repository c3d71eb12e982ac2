import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-document/api-errors.decorator';
import { type Actor, RequestActor } from '../audit/actor';
import type { AuditPageResponse } from '../audit/dto/audit-entry.response';
import { ListRunsQuery } from '../runs/dto/list-runs.query';
import type { RunPageResponse, RunResponse } from '../runs/dto/run.response';
import { IdPipe } from '../validation/id.pipe';
import { NoBody } from '../validation/no-body';
import { PaginationQuery } from '../validation/pagination.query';
import { BackfillDto } from './dto/backfill.dto';
import type { BackfillResponse } from './dto/backfill.response';
import type { BulkChangeResponse } from './dto/bulk-change.response';
import { CreateJobDto } from './dto/create-job.dto';
import { type JobPageResponse, JobResponse } from './dto/job.response';
import { ListJobsQuery } from './dto/list-jobs.query';
import { NextRunsQuery } from './dto/next-runs.query';
import { TagQuery } from './dto/tag.query';
import { UpdateJobDto } from './dto/update-job.dto';
import { JobsService } from './jobs.service';
import { bodyWithOnly, RequiredRole } from '../security/required-role.decorator';

@ApiTags('jobs')
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  /** Creates a job; its nextRun is computed from the schedule and time zone. */
  @Post()
  @RequiredRole('admin')
  @ApiOperation({ summary: 'Create a job' })
  @ApiResponse({ status: 201, type: JobResponse, description: 'The job, created; `Location` is its URL.', headers: { Location: { description: 'The URL of the new job', schema: { type: 'string' } } } })
  @ApiErrors(400, 409, 413, 415, 503)
  async createJob(@Body() dto: CreateJobDto, @RequestActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply): Promise<JobResponse> {
    const job = await this.jobs.create(dto, actor);
    void reply.header('location', `/jobs/${job.id}`);
    return job;
  }

  /** Lists jobs by id, one page at a time, optionally filtered. */
  @Get()
  @RequiredRole('reader')
  @ApiOperation({ summary: 'List jobs' })
  @ApiErrors(400, 503)
  listJobs(@Query() query: ListJobsQuery): Promise<JobPageResponse> {
    return this.jobs.list(query);
  }

  /** Pauses every job carrying the tag; answers how many changed. */
  @Post('pause')
  @HttpCode(200)
  @RequiredRole('operator')
  @ApiOperation({ summary: 'Pause every job with a tag' })
  @ApiErrors(400, 503)
  pauseJobsByTag(@Query() query: TagQuery, @RequestActor() actor: Actor): Promise<BulkChangeResponse> {
    return this.jobs.setActiveByTag(query.tag, false, actor);
  }

  /** Resumes every job carrying the tag, each due at its next occurrence from now; answers how many changed. */
  @Post('resume')
  @HttpCode(200)
  @RequiredRole('operator')
  @ApiOperation({ summary: 'Resume every job with a tag' })
  @ApiErrors(400, 503)
  resumeJobsByTag(@Query() query: TagQuery, @RequestActor() actor: Actor): Promise<BulkChangeResponse> {
    return this.jobs.setActiveByTag(query.tag, true, actor);
  }

  /** The job with this id. */
  @Get(':id')
  @RequiredRole('reader')
  @ApiOperation({ summary: 'Get a job' })
  @ApiErrors(400, 404, 414, 503)
  getJob(@Param('id', IdPipe) id: number): Promise<JobResponse> {
    return this.jobs.get(id);
  }

  /** Changes any subset of fields; a new schedule, time zone or isActive recomputes nextRun. */
  @Patch(':id')
  @RequiredRole('admin', { role: 'operator', for: 'pausing or resuming: a body of isActive alone', applies: bodyWithOnly('isActive') })
  @ApiOperation({ summary: 'Change a job' })
  @ApiErrors(400, 404, 409, 413, 414, 415, 503)
  updateJob(@Param('id', IdPipe) id: number, @Body() dto: UpdateJobDto, @RequestActor() actor: Actor): Promise<JobResponse> {
    return this.jobs.update(id, dto, actor);
  }

  /** Deletes the job and its run history. */
  @Delete(':id')
  @HttpCode(204)
  @RequiredRole('admin')
  @ApiOperation({ summary: 'Delete a job' })
  @ApiResponse({ status: 204, description: 'Deleted.' })
  @ApiErrors(400, 404, 414, 503)
  deleteJob(@Param('id', IdPipe) id: number, @RequestActor() actor: Actor): Promise<void> {
    return this.jobs.remove(id, actor);
  }

  /** The job's run history, newest first. */
  @Get(':id/runs')
  @RequiredRole('reader')
  @ApiOperation({ summary: "List a job's runs" })
  @ApiErrors(400, 404, 414, 503)
  listJobRuns(@Param('id', IdPipe) id: number, @Query() query: ListRunsQuery): Promise<RunPageResponse> {
    return this.jobs.listRuns(id, query);
  }

  /**
   * Runs the job once, now (also when inactive); nextRun does not move. Answers with the new run,
   * which an instance starts within moments: follow it in GET /jobs/:id/runs.
   */
  @Post(':id/run')
  @HttpCode(202)
  @RequiredRole('operator')
  @ApiOperation({ summary: 'Run a job now' })
  @ApiErrors(400, 404, 409, 413, 414, 415, 503)
  runJobNow(@Param('id', IdPipe) id: number, @NoBody() _body: undefined, @RequestActor() actor: Actor): Promise<RunResponse> {
    return this.jobs.trigger(id, actor);
  }

  /**
   * Runs the job's occurrences in a past range [from, to), each once, as pending runs started oldest
   * first; occurrences that already have a run are left alone. At most 1000 occurrences a request.
   */
  @Post(':id/backfill')
  @HttpCode(202)
  @RequiredRole('operator')
  @ApiOperation({ summary: "Run a job's past occurrences" })
  @ApiErrors(400, 404, 409, 413, 414, 415, 503)
  backfillJob(@Param('id', IdPipe) id: number, @Body() dto: BackfillDto, @RequestActor() actor: Actor): Promise<BackfillResponse> {
    return this.jobs.backfill(id, dto, actor);
  }

  /**
   * Who changed the job, when, from where and what (field by field, secrets redacted), newest
   * first: every create, update, pause, resume and run-now.
   */
  @Get(':id/changes')
  @RequiredRole('reader')
  @ApiOperation({ summary: "List a job's changes" })
  @ApiErrors(400, 404, 414, 503)
  listJobChanges(@Param('id', IdPipe) id: number, @Query() page: PaginationQuery): Promise<AuditPageResponse> {
    return this.jobs.changes(id, page);
  }

  /**
   * The next occurrences of the job's schedule as ISO-8601 UTC instants. For a paused job (nextRun
   * null) they are when it would run once resumed, and the `Job-Paused` header says `true`.
   */
  @Get(':id/next-runs')
  @RequiredRole('reader')
  @ApiOperation({ summary: "Preview a job's next occurrences" })
  @ApiOkResponse({
    description: 'ISO-8601 UTC instants',
    schema: { type: 'array', items: { type: 'string', format: 'date-time' } },
    headers: { 'Job-Paused': { description: '`true` when the job is paused: the occurrences are those it would run once resumed', schema: { type: 'string', enum: ['true', 'false'] } } },
  })
  @ApiErrors(400, 404, 409, 414, 503)
  async listJobNextRuns(@Param('id', IdPipe) id: number, @Query() query: NextRunsQuery, @Res({ passthrough: true }) reply: FastifyReply): Promise<Date[]> {
    const { occurrences, paused } = await this.jobs.nextRuns(id, query.count);
    void reply.header('job-paused', String(paused));
    return occurrences;
  }
}
