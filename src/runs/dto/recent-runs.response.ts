import type { RunStatus } from '../run-status';
import type { RecentRunRow } from '../sql/recent-runs';

/** A run reduced to what a history strip draws. */
export class RecentRun {
  /** @example 42 */
  id: number;
  status: RunStatus;
  scheduledFor: Date;
  startedAt: Date | null;
  /** @example 120 */
  durationMs: number | null;
}

export class RecentRunsResponse {
  /** @example 1 */
  jobId: number;
  /** Newest first; empty for a job without runs or one that does not exist. */
  runs: RecentRun[];

  /** One entry per requested job, in the order asked for. */
  static group(jobIds: number[], rows: RecentRunRow[]): RecentRunsResponse[] {
    const byJob = new Map<number, RecentRun[]>(jobIds.map((jobId) => [jobId, []]));
    for (const { jobId, id, ...run } of rows) byJob.get(jobId)?.push({ id: Number(id), ...run });
    return [...byJob].map(([jobId, runs]) => ({ jobId, runs }));
  }
}
