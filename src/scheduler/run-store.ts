import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AlertOutbox } from '../alerts/alert-outbox';
import type { FinalOutcome, MissedOccurrence } from '../alerts/alert-plan';
import { JobCache } from '../cache/job-cache';
import { Clock } from '../clock/clock';
import type { Environment } from '../config/environment';
import { Metrics } from '../observability/metrics';
import { enqueueOccurrences, type PendingOccurrence } from '../runs/enqueue-occurrences';
import { type JobAdvance, planClaims } from './claim-plan';
import { GroupCommit } from './group-commit';
import { NextRunCalculator } from './next-run-calculator';
import { SchedulerPool } from './scheduler-pool';
import { abandonRuns, type AbandonResult, type HandBack } from './sql/abandon-runs';
import { type ClaimedRun, toClaimedRun } from './sql/claimed-run';
import { extendLeases, type LeaseRenewal } from './sql/extend-leases';
import { type FinishOutcome, type FinishResult, finishRuns, type RunOutcome } from './sql/finish-run';
import { pruneRuns } from './sql/prune-runs';
import { type ClaimedStatus, recordClaims } from './sql/record-claims';
import { requeueStaleRuns } from './sql/requeue-stale-runs';
import { type QueuedStart, startQueuedRuns } from './sql/start-queued-run';
import type { NextDue } from './wake-up';
import { type DueJobRow, type DueRunRow, selectDueWork } from './sql/select-due-work';
import { startDueRuns } from './sql/start-due-runs';

export interface Claim {
  /** Due jobs and runs the claim took; fewer than asked means no more were due. */
  selected: number;
  runs: ClaimedRun[];
  /**
   * Set when nothing is left due after this claim: the earliest instant anything falls due next
   * (null: nothing scheduled), by the claim's clock. Unset: claim again, more may be due now.
   */
  next?: NextDue;
}

/** The first `limit` of due jobs and due runs together, in due order: what one claim takes. */
function inDueOrder(jobs: DueJobRow[], runs: DueRunRow[], limit: number): { jobs: DueJobRow[]; runs: DueRunRow[] } {
  let j = 0;
  let r = 0;
  while (j + r < limit && (j < jobs.length || r < runs.length)) {
    if (r >= runs.length || (j < jobs.length && jobs[j].next_run <= runs[r].run_at)) j += 1;
    else r += 1;
  }
  return { jobs: jobs.slice(0, j), runs: runs.slice(0, r) };
}

/** The earliest of the instants given, ignoring nulls; null when there is none. */
function earliest(instants: (Date | null)[]): Date | null {
  const times = instants.filter((at): at is Date => at !== null).map((at) => at.getTime());
  return times.length > 0 ? new Date(Math.min(...times)) : null;
}

/** Occurrences the claim skipped: by the misfire policy (no run, none caught up) or the overlap policy (a skipped run). */
function missedOccurrences(advances: JobAdvance[]): MissedOccurrence[] {
  return advances
    .filter((advance) => advance.run?.status === 'skipped' || (advance.misfired && !advance.run && !advance.catchUp?.length))
    .map(({ job, run }) => ({ jobId: job.id, notify: job.notify, scheduledFor: run?.scheduledFor ?? job.next_run }));
}

/** The recorded outcomes that end their occurrence: a success, or a failure with no retry to follow. */
function finalOutcomes(outcomes: FinishOutcome[], results: FinishResult[]): FinalOutcome[] {
  return outcomes.flatMap((outcome, index) => {
    const { recorded, retryRunId } = results[index];
    const failed = outcome.status === 'failed' || outcome.status === 'timed_out';
    if (!recorded || (failed ? retryRunId !== null : outcome.status !== 'succeeded')) return [];
    return [{ runId: outcome.runId, jobId: outcome.jobId, failed }];
  });
}

/** The missed occurrences misfirePolicy run_all queues, as pending runs. */
function catchUpsOf(advances: JobAdvance[]): PendingOccurrence[] {
  return advances.flatMap(({ job, catchUp }) => (catchUp ?? []).map((scheduledFor) => ({ jobId: job.id, scheduledFor })));
}

/**
 * The scheduler's reads and writes, on the scheduler's own pool. Every write that changes a job
 * (nextRun, lastRun, lastStatus) invalidates its cached copies once committed. Every statement takes
 * its `now` from the Clock (the database's own in production; see Clock.sqlNow), unless told one.
 */
@Injectable()
export class RunStore {
  private readonly logger = new Logger('RunStore');
  private readonly leaseMs: number;
  private readonly misfireThresholdMs: number;
  /** Inline mode starts claimed runs here; broker mode queues them for a worker. */
  private readonly claimedStatus: ClaimedStatus;
  /** Outcomes are written many per statement (see GroupCommit). */
  private readonly outcomes = new GroupCommit<FinishOutcome, FinishResult>((outcomes) => this.finishMany(outcomes), 500);
  /** Broker mode: the messages a worker's prefetch delivers together start their runs in one statement. */
  private readonly starts = new GroupCommit<{ runId: number; instanceId: string }, QueuedStart>((starts) => this.startMany(starts), 500);

  constructor(
    private readonly database: SchedulerPool,
    private readonly nextRuns: NextRunCalculator,
    private readonly cache: JobCache,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    private readonly alerts: AlertOutbox,
    config: ConfigService<Environment, true>,
  ) {
    this.leaseMs = config.get('RUN_LEASE_MS', { infer: true });
    this.misfireThresholdMs = config.get('MISFIRE_THRESHOLD_MS', { infer: true });
    this.claimedStatus = config.get('EXECUTION_MODE', { infer: true }) === 'broker' ? 'queued' : 'running';
  }

  /**
   * The one claim: in one short transaction, lock due jobs and due runs (SKIP LOCKED), take the first
   * `limit` of them in due order, move each job to its next occurrence, insert and start the runs,
   * commit. Nothing executes while the locks are held. `now` is the claim's clock (the database's
   * when omitted).
   */
  async claim(limit: number, instanceId: string, now?: Date): Promise<Claim> {
    const claim = await this.database.transaction(async (transaction) => {
      const work = await selectDueWork(transaction, limit, now ?? this.clock.sqlNow());
      const taken = inDueOrder(work.jobs, work.runs, limit);
      const advances = planClaims(taken.jobs, this.misfireThresholdMs, this.nextRuns.next);
      const jobRows = await recordClaims(transaction, advances, instanceId, this.leaseMs, this.claimedStatus, work.now);
      const runRows = await startDueRuns(transaction, taken.runs.map((run) => run.id), instanceId, this.leaseMs, this.claimedStatus, work.now);
      await this.alerts.recordMissed(transaction, missedOccurrences(advances));
      const caughtUp = await enqueueOccurrences(transaction, catchUpsOf(advances));
      const selected = taken.jobs.length + taken.runs.length;
      // A job moved to an occurrence that is already due (a late claim), or a catch-up just queued, is due again at once.
      const drained = selected < limit && caughtUp === 0 && advances.every((advance) => advance.nextRun === null || advance.nextRun > work.now);
      const next = drained ? { at: earliest([work.nextDueAt, ...advances.map((advance) => advance.nextRun)]), dbNow: work.now } : undefined;
      return { advances, runs: [...runRows, ...jobRows].map(toClaimedRun), selected, next };
    });
    this.count(claim.advances);
    const jobIds = [...new Set(claim.runs.map((run) => run.jobId).concat(claim.advances.map((advance) => advance.job.id)))];
    if (jobIds.length > 0) await this.cache.invalidate(jobIds);
    return { selected: claim.selected, runs: claim.runs, next: claim.next };
  }

  private count(advances: JobAdvance[]): void {
    for (const { job, run, misfired, scheduleError } of advances) {
      if (scheduleError) {
        // Logged once: with no next run, the job is not claimed again until it is changed.
        this.logger.error(`job ${job.id} (${job.name}) is no longer scheduled: ${scheduleError}; change its schedule or timezone to resume it`);
        this.metrics.scheduleErrors.inc();
      }
      if (run?.status === 'skipped') this.metrics.jobRuns.inc({ type: job.type, status: 'skipped' });
      if (misfired) this.metrics.misfires.inc({ policy: job.misfire_policy });
    }
  }

  /** Broker mode: a worker takes a queued run. `exists` is false for an id that names no run. */
  async startQueued(runId: number, instanceId: string): Promise<{ run: ClaimedRun | null; exists: boolean }> {
    const { run, exists } = await this.starts.submit({ runId, instanceId });
    return { run: run && toClaimedRun(run), exists };
  }

  /** Starts many queued runs in one statement (by instance, though a process has only one), one invalidation. */
  private async startMany(starts: { runId: number; instanceId: string }[]): Promise<QueuedStart[]> {
    const results: QueuedStart[] = new Array<QueuedStart>(starts.length);
    for (const instanceId of new Set(starts.map((start) => start.instanceId))) {
      const indexes = starts.flatMap((start, index) => (start.instanceId === instanceId ? [index] : []));
      const runIds = indexes.map((index) => starts[index].runId);
      const started = await startQueuedRuns(this.database.pool, runIds, instanceId, this.leaseMs, this.clock.sqlNow());
      indexes.forEach((index, position) => (results[index] = started[position]));
    }
    const jobIds = results.flatMap((result) => (result.run ? [result.run.job_id] : []));
    if (jobIds.length > 0) await this.cache.invalidate(jobIds);
    return results;
  }

  requeueStale(olderThanMs: number, limit: number, now?: Date): Promise<number[]> {
    return requeueStaleRuns(this.database.pool, olderThanMs, limit, now ?? this.clock.sqlNow());
  }

  /**
   * Records a run's outcome, fenced by `instanceId`; outcomes reported at about the same time are
   * written together, in one statement and one cache invalidation.
   */
  finish(instanceId: string, outcome: RunOutcome): Promise<FinishResult> {
    return this.outcomes.submit({ ...outcome, instanceId });
  }

  /** The outcomes and the alerts they cause, in one transaction: an alert is in the outbox exactly when its outcome is recorded. */
  private async finishMany(outcomes: FinishOutcome[]): Promise<FinishResult[]> {
    const results = await this.database.transaction(async (transaction) => {
      const finished = await finishRuns(transaction, outcomes, this.clock.sqlNow());
      await this.alerts.recordOutcomes(transaction, finalOutcomes(outcomes, finished));
      return finished;
    });
    const jobIds = outcomes.filter((_, index) => results[index].recorded).map((outcome) => outcome.jobId);
    if (jobIds.length > 0) await this.cache.invalidate(jobIds);
    return results;
  }

  extendLeases(runIds: number[], instanceId: string): Promise<LeaseRenewal> {
    return extendLeases(this.database.pool, runIds, instanceId, this.leaseMs, this.clock.sqlNow());
  }

  abandonExpired(limit: number, now?: Date): Promise<AbandonResult> {
    return this.abandon(limit, undefined, now ?? this.clock.sqlNow());
  }

  handBack(handBack: HandBack): Promise<AbandonResult> {
    return this.abandon(handBack.runIds.length, handBack, this.clock.sqlNow());
  }

  /** Abandons runs, and puts in the outbox the alerts of those that were their occurrence's last attempt, in one transaction. */
  private async abandon(limit: number, handBack: HandBack | undefined, now: Date | null): Promise<AbandonResult> {
    const result = await this.database.transaction(async (transaction) => {
      const abandoned = await abandonRuns(transaction, limit, this.leaseMs, handBack, now);
      await this.alerts.recordOutcomes(transaction, abandoned.finals.map((final) => ({ ...final, failed: true })));
      return abandoned;
    });
    if (result.jobIds.length > 0) await this.cache.invalidate(result.jobIds);
    return result;
  }

  prune(retentionDays: number, batch: number): Promise<number | null> {
    return this.database.transaction((transaction) => pruneRuns(transaction, retentionDays, batch));
  }
}
