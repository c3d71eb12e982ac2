import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-document/api-errors.decorator';
import { type Actor, RequestActor } from '../audit/actor';
import { RequiredRole } from '../security/required-role.decorator';
import { IdPipe } from '../validation/id.pipe';
import { NoBody } from '../validation/no-body';
import { ListAllRunsQuery } from './dto/list-all-runs.query';
import type { JobRunPageResponse } from './dto/job-run.response';
import { RecentRunsQuery } from './dto/recent-runs.query';
import type { RecentRunsResponse } from './dto/recent-runs.response';
import type { RunResponse } from './dto/run.response';
import { RunsService } from './runs.service';

@ApiTags('runs')
@Controller('runs')
export class RunsController {
  constructor(private readonly runs: RunsService) {}

  /** Runs across all jobs, newest first, one page at a time, optionally filtered. */
  @Get()
  @RequiredRole('reader')
  @ApiOperation({ summary: 'List runs across jobs' })
  @ApiErrors(400, 503)
  listRuns(@Query() query: ListAllRunsQuery): Promise<JobRunPageResponse> {
    return this.runs.list(query);
  }

  /** The latest runs of each of several jobs, for a page of the jobs list, in one request. */
  @Get('recent')
  @RequiredRole('reader')
  @ApiOperation({ summary: 'List the latest runs of several jobs' })
  @ApiErrors(400, 503)
  listRecentRuns(@Query() query: RecentRunsQuery): Promise<RecentRunsResponse[]> {
    return this.runs.recent(query);
  }

  /**
   * Stops a queued, running or retry_pending run: it ends `cancelled` (not a failure, not retried),
   * and the instance executing it aborts it (a shell job's whole process group), whichever instance
   * this request reached. Answers with the run as it is now.
   */
  @Post(':id/cancel')
  @HttpCode(200)
  @RequiredRole('operator')
  @ApiOperation({ summary: 'Cancel a run' })
  @ApiErrors(400, 404, 409, 413, 414, 415, 503)
  cancelRun(@Param('id', IdPipe) id: number, @NoBody() _body: undefined, @RequestActor() actor: Actor): Promise<RunResponse> {
    return this.runs.cancel(id, actor);
  }
}
