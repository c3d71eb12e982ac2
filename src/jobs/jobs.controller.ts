import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type Actor, RequestActor } from '../audit/actor';
import type { AuditPageResponse } from '../audit/dto/audit-entry.response';
import { ListRunsQuery } from '../runs/dto/list-runs.query';
import type { RunPageResponse, RunResponse } from '../runs/dto/run.response';
import { IdPipe } from '../validation/id.pipe';
import { PaginationQuery } from '../validation/pagination.query';
import type { BulkChangeResponse } from './dto/bulk-change.response';
import { CreateJobDto } from './dto/create-job.dto';
import type { JobPageResponse, JobResponse } from './dto/job.response';
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
  create(@Body() dto: CreateJobDto, @RequestActor() actor: Actor): Promise<JobResponse> {
    return this.jobs.create(dto, actor);
  }

  /** Lists jobs by id, one page at a time, optionally filtered. */
  @Get()
  @RequiredRole('reader')
  list(@Query() query: ListJobsQuery): Promise<JobPageResponse> {
    return this.jobs.list(query);
  }

  /** Pauses every job carrying the tag; answers how many changed. */
  @Post('pause')
  @HttpCode(200)
  @RequiredRole('operator')
  pause(@Query() query: TagQuery, @RequestActor() actor: Actor): Promise<BulkChangeResponse> {
    return this.jobs.setActiveByTag(query.tag, false, actor);
  }

  /** Resumes every job carrying the tag, each due at its next occurrence from now; answers how many changed. */
  @Post('resume')
  @HttpCode(200)
  @RequiredRole('operator')
  resume(@Query() query: TagQuery, @RequestActor() actor: Actor): Promise<BulkChangeResponse> {
    return this.jobs.setActiveByTag(query.tag, true, actor);
  }

  @Get(':id')
  @RequiredRole('reader')
  get(@Param('id', IdPipe) id: number): Promise<JobResponse> {
    return this.jobs.get(id);
  }

  /** Changes any subset of fields; a new schedule, time zone or isActive recomputes nextRun. */
  @Patch(':id')
  @RequiredRole('admin', { role: 'operator', for: 'pausing or resuming: a body of isActive alone', applies: bodyWithOnly('isActive') })
  update(@Param('id', IdPipe) id: number, @Body() dto: UpdateJobDto, @RequestActor() actor: Actor): Promise<JobResponse> {
    return this.jobs.update(id, dto, actor);
  }

  /** Deletes the job and its run history. */
  @Delete(':id')
  @HttpCode(204)
  @RequiredRole('admin')
  remove(@Param('id', IdPipe) id: number, @RequestActor() actor: Actor): Promise<void> {
    return this.jobs.remove(id, actor);
  }

  /** The job's run history, newest first. */
  @Get(':id/runs')
  @RequiredRole('reader')
  runs(@Param('id', IdPipe) id: number, @Query() query: ListRunsQuery): Promise<RunPageResponse> {
    return this.jobs.listRuns(id, query);
  }

  /**
   * Runs the job once, now (also when inactive); nextRun does not move. Answers with the new run,
   * which an instance starts within moments: follow it in GET /jobs/:id/runs.
   */
  @Post(':id/run')
  @HttpCode(202)
  @RequiredRole('operator')
  run(@Param('id', IdPipe) id: number, @RequestActor() actor: Actor): Promise<RunResponse> {
    return this.jobs.trigger(id, actor);
  }

  /**
   * Who changed the job, when, from where and what (field by field, secrets redacted), newest
   * first: every create, update, pause, resume and run-now.
   */
  @Get(':id/changes')
  @RequiredRole('reader')
  changes(@Param('id', IdPipe) id: number, @Query() page: PaginationQuery): Promise<AuditPageResponse> {
    return this.jobs.changes(id, page);
  }

  /** The job's next occurrences as ISO-8601 UTC instants. */
  @Get(':id/next-runs')
  @RequiredRole('reader')
  @ApiOkResponse({ description: 'ISO-8601 UTC instants', schema: { type: 'array', items: { type: 'string', format: 'date-time' } } })
  nextRuns(@Param('id', IdPipe) id: number, @Query() query: NextRunsQuery): Promise<Date[]> {
    return this.jobs.nextRuns(id, query.count);
  }
}
