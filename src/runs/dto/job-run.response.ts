import type { JobRun } from '../../generated/prisma/client';
import { RunResponse } from './run.response';

/** A run in a list across jobs: the run and the name of its job. */
export class JobRunResponse extends RunResponse {
  /** @example "Daily Email Notification" */
  jobName: string;

  static withJob(run: JobRun & { job: { name: string } }): JobRunResponse {
    return { ...RunResponse.from(run), jobName: run.job.name };
  }
}

export class JobRunPageResponse {
  data: JobRunResponse[];
  /** Runs matching the filters, over all pages. @example 1 */
  total: number;
  /** @example 20 */
  limit: number;
  /** @example 0 */
  offset: number;
}
