import { Injectable } from '@nestjs/common';
import { badRequest } from '../validation/field-problems';
import type { ListAllRunsQuery } from './dto/list-all-runs.query';
import { JobRunPageResponse, JobRunResponse } from './dto/job-run.response';
import type { RecentRunsQuery } from './dto/recent-runs.query';
import { RecentRunsResponse } from './dto/recent-runs.response';
import { RunsRepository } from './runs.repository';

@Injectable()
export class RunsService {
  constructor(private readonly runs: RunsRepository) {}

  async list(query: ListAllRunsQuery): Promise<JobRunPageResponse> {
    if (query.from && query.to && query.from >= query.to) throw badRequest([{ field: 'to', message: 'must be later than from' }]);
    const { runs, total } = await this.runs.list(query);
    return { data: runs.map(JobRunResponse.withJob), total, limit: query.limit, offset: query.offset };
  }

  async recent(query: RecentRunsQuery): Promise<RecentRunsResponse[]> {
    const jobIds = [...new Set(query.jobIds)];
    return RecentRunsResponse.group(jobIds, await this.runs.recent(jobIds, query.count));
  }
}
