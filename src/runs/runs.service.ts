import { Injectable, NotFoundException } from '@nestjs/common';
import type { Actor } from '../audit/actor';
import { AuditLog } from '../audit/audit-log';
import { badRequest, conflict } from '../validation/field-problems';
import type { ListAllRunsQuery } from './dto/list-all-runs.query';
import { JobRunPageResponse, JobRunResponse } from './dto/job-run.response';
import type { RecentRunsQuery } from './dto/recent-runs.query';
import { RecentRunsResponse } from './dto/recent-runs.response';
import { RunResponse } from './dto/run.response';
import { RunsRepository } from './runs.repository';

@Injectable()
export class RunsService {
  constructor(
    private readonly runs: RunsRepository,
    private readonly auditLog: AuditLog,
  ) {}

  async list(query: ListAllRunsQuery): Promise<JobRunPageResponse> {
    if (query.from && query.to && query.from >= query.to) throw badRequest([{ field: 'to', message: 'must be later than from' }]);
    const { runs, total } = await this.runs.list(query);
    return { data: runs.map(JobRunResponse.withJob), total, limit: query.limit, offset: query.offset };
  }

  async recent(query: RecentRunsQuery): Promise<RecentRunsResponse[]> {
    const jobIds = [...new Set(query.jobIds)];
    return RecentRunsResponse.group(jobIds, await this.runs.recent(jobIds, query.count));
  }

  /** Stops an unfinished run wherever it is (see cancelRun); audited as the job's `cancel`. */
  async cancel(id: number, actor: Actor): Promise<RunResponse> {
    const result = await this.runs.cancel(id, (client, cancelled) =>
      this.auditLog.recordOn(client, {
        actor,
        action: 'cancel',
        jobId: cancelled.jobId,
        jobName: cancelled.jobName,
        runId: id,
        changes: [{ field: 'status', before: cancelled.before, after: 'cancelled' }],
      }),
    );
    if (result.outcome === 'finished') {
      throw conflict([{ field: 'status', message: `run ${id} has already ended (${result.status}); only a queued, running or retry_pending run can be cancelled` }]);
    }
    const run = result.outcome === 'cancelled' ? await this.runs.findById(id) : null;
    if (!run) throw new NotFoundException(`run ${id} does not exist`);
    return RunResponse.from(run);
  }
}
