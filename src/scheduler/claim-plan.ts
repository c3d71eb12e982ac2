import { UncomputableOccurrence } from '../schedules/cron-schedule';
import type { DueJobRow } from './sql/select-due-work';

export type NextOccurrence = (schedule: string, timezone: string, after: Date, seed?: number, jitterMs?: number) => Date | null;

/** What one claim does to one due job: its new nextRun, and the run it records, if any. */
export interface JobAdvance {
  job: DueJobRow;
  nextRun: Date | null;
  /** Why the next occurrence could not be computed (then nextRun is null and the job is no longer scheduled). */
  scheduleError: string | null;
  /** The occurrence was later than the misfire threshold. */
  misfired: boolean;
  run?: { scheduledFor: Date; status: 'running' | 'skipped'; error: string | null };
  /** misfirePolicy run_all: the missed occurrences to run, oldest first, as pending runs. */
  catchUp?: Date[];
}

export const OVERLAP_SKIP_REASON = 'skipped: the previous run was still running (overlapPolicy forbid)';

/**
 * Decides, for each due job, which occurrence runs and when the job is next due.
 *
 * Late is not missed: the next occurrence is computed from the occurrence just claimed, so a tick
 * that comes late still runs every occurrence it finds due, one per claim. Only an occurrence later
 * than the misfire threshold is a misfire: then `run_once` records one catch-up run for it, `skip`
 * none, and `run_all` queues every occurrence missed up to now, oldest first, at most
 * `max_catch_up` of them (the oldest: finding the newest would walk every missed occurrence, which
 * after a long outage of an every-second job is millions); either way the job jumps to its first
 * occurrence after now.
 *
 * A one-off job (no schedule) has no next occurrence: recordClaims makes it inactive.
 *
 * A job whose next occurrence cannot be computed (UncomputableOccurrence) does not fail the batch:
 * its due occurrence still runs, and it carries the reason instead of a next run.
 */
export function planClaims(jobs: DueJobRow[], misfireThresholdMs: number, nextOccurrence: NextOccurrence): JobAdvance[] {
  return jobs.map((job) => {
    const occurrence = job.next_run;
    const misfired = job.db_now.getTime() - occurrence.getTime() > misfireThresholdMs;
    const { nextRun, scheduleError } = computeNext(job, misfired ? job.db_now : occurrence, nextOccurrence);
    if (misfired && job.misfire_policy === 'skip') return { job, nextRun, scheduleError, misfired };
    if (misfired && job.misfire_policy === 'run_all') return { job, nextRun, scheduleError, misfired, catchUp: missedOccurrences(job, nextOccurrence) };
    const run = job.busy
      ? { scheduledFor: occurrence, status: 'skipped' as const, error: OVERLAP_SKIP_REASON }
      : { scheduledFor: occurrence, status: 'running' as const, error: null };
    return { job, nextRun, scheduleError, misfired, run };
  });
}

/** The job's occurrences from its due one up to the claim's clock, oldest first, at most max_catch_up. */
function missedOccurrences(job: DueJobRow, nextOccurrence: NextOccurrence): Date[] {
  const missed = [job.next_run];
  while (missed.length < job.max_catch_up) {
    const { nextRun } = computeNext(job, missed[missed.length - 1], nextOccurrence);
    if (!nextRun || nextRun > job.db_now) break;
    missed.push(nextRun);
  }
  return missed;
}

function computeNext(job: DueJobRow, after: Date, nextOccurrence: NextOccurrence): { nextRun: Date | null; scheduleError: string | null } {
  if (job.schedule === null) return { nextRun: null, scheduleError: null };
  try {
    return { nextRun: nextOccurrence(job.schedule, job.timezone, after, job.id, job.jitter_ms), scheduleError: null };
  } catch (error) {
    if (!(error instanceof UncomputableOccurrence)) throw error;
    return { nextRun: null, scheduleError: error.message };
  }
}
