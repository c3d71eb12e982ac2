import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../api-document/api-errors.decorator';
import { RequiredRole } from '../security/required-role.decorator';
import { ListAllRunsQuery } from './dto/list-all-runs.query';
import type { JobRunPageResponse } from './dto/job-run.response';
import { RecentRunsQuery } from './dto/recent-runs.query';
import type { RecentRunsResponse } from './dto/recent-runs.response';
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
}
