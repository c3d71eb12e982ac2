import type { JobRun } from '../../generated/prisma/client';
import type { RunStatus } from '../run-status';

export class RunResponse {
  /** @example 42 */
  id: number;
  /** @example 1 */
  jobId: number;
  /** The occurrence this run is for (ISO-8601 UTC). */
  scheduledFor: Date;
  /** 1 for the first attempt, then 2, 3... for retries. @example 1 */
  attempt: number;
  status: RunStatus;
  /** The instance that executed it. @example "scheduler-7d9f-1234" */
  instanceId: string | null;
  /** When a retry_pending run becomes due. */
  runAt: Date | null;
  /** When an instance claimed the run to start it (the database's clock). */
  startedAt: Date | null;
  /** When its outcome was recorded (the database's clock); outcomes are written in batches, so this includes the wait for the batch. */
  finishedAt: Date | null;
  /**
   * How long the job itself ran on its instance, from the call of its type's code to its return: never
   * more than finishedAt − startedAt, which also counts the claim and the recording of the outcome.
   * @example 120
   */
  durationMs: number | null;
  error: string | null;
  /** Output of the run, truncated. */
  output: string | null;
  /** While running: the instance must renew this or the run is taken as abandoned. */
  leaseExpiresAt: Date | null;
  createdAt: Date;

  static from(run: JobRun): RunResponse {
    return {
      id: Number(run.id),
      jobId: run.jobId,
      scheduledFor: run.scheduledFor,
      attempt: run.attempt,
      status: run.status,
      instanceId: run.instanceId,
      runAt: run.runAt,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      durationMs: run.durationMs,
      error: run.error,
      output: run.output,
      leaseExpiresAt: run.leaseExpiresAt,
      createdAt: run.createdAt,
    };
  }
}

export class RunPageResponse {
  data: RunResponse[];
  /** @example 1 */
  total: number;
  /** @example 20 */
  limit: number;
  /** @example 0 */
  offset: number;
}
