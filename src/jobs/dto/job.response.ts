import type { NotifyResponse } from '../../alerts/dto/notify.response';
import type { Notify } from '../../alerts/notify';
import type { Job } from '../../generated/prisma/client';
import { MISFIRE_POLICIES, OVERLAP_POLICIES } from './create-job.dto';
import type { RunStatus } from '../../runs/run-status';

export class JobResponse {
  /** @example 1 */
  id: number;
  /** @example "Daily Email Notification" */
  name: string;
  /** @example "Send daily newsletter to users" */
  description: string | null;
  /** The cron expression; null for a one-off job. @example "0 9 * * *" */
  schedule: string | null;
  /** A one-off job's instant (ISO-8601 UTC); null for a scheduled job. @example null */
  runAt: Date | null;
  /** @example "UTC" */
  timezone: string;
  /** @example "log" */
  type: string;
  /** @example {} */
  params: Record<string, unknown>;
  /** @example ["billing"] */
  tags: string[];
  isActive: boolean;
  overlapPolicy: (typeof OVERLAP_POLICIES)[number];
  misfirePolicy: (typeof MISFIRE_POLICIES)[number];
  /** @example 1 */
  maxAttempts: number;
  /** @example 1000 */
  retryBackoffMs: number;
  /** @example 60000 */
  timeoutMs: number;
  /** Runs at once, across all instances; null: unlimited with overlapPolicy allow, 1 with forbid. @example null */
  maxConcurrency: number | null;
  /** Who hears of the job's events, every default filled in; null: the service's ALERTS_DEFAULT_NOTIFY. */
  notify: NotifyResponse | null;
  /** Up to this much delay after each occurrence, the same for every instance and the preview. @example 0 */
  jitterMs: number;
  /** How many missed occurrences misfirePolicy run_all runs, oldest first. @example 10 */
  maxCatchUp: number;
  /** Start of the latest run (ISO-8601 UTC). */
  lastRun: Date | null;
  /** Outcome of the latest run. */
  lastStatus: RunStatus | null;
  /** When the job is next due (ISO-8601 UTC); null when inactive. @example "2026-11-24T09:00:00.000Z" */
  nextRun: Date | null;
  /** Why the scheduler could not compute the next occurrence, so the job is no longer scheduled; null when all is well. Changing the schedule or timezone clears it. */
  scheduleError: string | null;
  createdAt: Date;
  updatedAt: Date;

  static from(job: Job): JobResponse {
    return {
      id: job.id,
      name: job.name,
      description: job.description,
      schedule: job.schedule,
      runAt: job.runAt,
      timezone: job.timezone,
      type: job.type,
      params: job.params as Record<string, unknown>,
      tags: job.tags,
      isActive: job.isActive,
      overlapPolicy: job.overlapPolicy,
      misfirePolicy: job.misfirePolicy,
      maxAttempts: job.maxAttempts,
      retryBackoffMs: job.retryBackoffMs,
      timeoutMs: job.timeoutMs,
      maxConcurrency: job.maxConcurrency,
      notify: job.notify as Notify | null,
      jitterMs: job.jitterMs,
      maxCatchUp: job.maxCatchUp,
      lastRun: job.lastRun,
      lastStatus: job.lastStatus,
      nextRun: job.nextRun,
      scheduleError: job.scheduleError,
      createdAt: job.createdAt,
      updatedAt: job.updatedAt,
    };
  }
}

export class JobPageResponse {
  data: JobResponse[];
  /** Jobs matching the filters, over all pages. @example 1 */
  total: number;
  /** @example 20 */
  limit: number;
  /** @example 0 */
  offset: number;
}
