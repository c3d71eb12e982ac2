import type { AlertEventName } from './alert-kinds';
import type { AlertTarget, Notify } from './notify';

/** A run's final outcome: succeeded, or its occurrence's last attempt failed or timed out. */
export interface FinalOutcome {
  runId: number;
  jobId: number;
  failed: boolean;
}

/** What the outcome planner needs of a job, read in the transaction that records the outcomes. */
export interface AlertingJob {
  id: number;
  consecutiveFailures: number;
  notify: Notify | null;
}

/** An occurrence skipped by the misfire policy (no run recorded) or the overlap policy (a skipped run). */
export interface MissedOccurrence {
  jobId: number;
  notify: Notify | null;
  scheduledFor: Date;
}

/** One event to deliver to each of its targets. */
export interface PlannedAlert {
  jobId: number;
  runId: number | null;
  scheduledFor: Date | null;
  event: AlertEventName;
  /** The same for every target and every attempt: the receivers' Idempotency-Key. */
  eventKey: string;
  targets: AlertTarget[];
}

export interface OutcomeAlerts {
  /** The new consecutiveFailures of each job whose streak changed. */
  streaks: { jobId: number; consecutiveFailures: number }[];
  alerts: PlannedAlert[];
}

const fires = (notify: Notify | null, event: AlertEventName): notify is Notify => !!notify && notify.targets.length > 0 && notify.events.includes(event);

/**
 * Walks the outcomes in the order they ended: a failure lengthens the job's streak of failed
 * occurrences, and "failed" fires once per streak, when it reaches afterConsecutiveFailures; a
 * success ends the streak, and "recovered" fires when that streak had fired "failed".
 */
export function planOutcomeAlerts(outcomes: FinalOutcome[], jobs: Map<number, AlertingJob>, defaultNotify: Notify | null): OutcomeAlerts {
  const streak = new Map<number, number>();
  const alerts: PlannedAlert[] = [];
  for (const { runId, jobId, failed } of outcomes) {
    const job = jobs.get(jobId);
    if (!job) continue;
    const notify = job.notify ?? defaultNotify;
    const threshold = notify?.afterConsecutiveFailures ?? 1;
    const before = streak.get(jobId) ?? job.consecutiveFailures;
    const after = failed ? before + 1 : 0;
    streak.set(jobId, after);
    const event = failed ? (after === threshold ? 'failed' : null) : before >= threshold ? 'recovered' : null;
    if (event && fires(notify, event)) alerts.push({ jobId, runId, scheduledFor: null, event, eventKey: `${event}:run:${runId}`, targets: notify.targets });
  }
  const streaks = [...streak]
    .filter(([jobId, consecutiveFailures]) => jobs.get(jobId)!.consecutiveFailures !== consecutiveFailures)
    .map(([jobId, consecutiveFailures]) => ({ jobId, consecutiveFailures }));
  return { streaks, alerts };
}

/** "missed" for each skipped occurrence whose job (or the default) listens for it. */
export function planMissedAlerts(missed: MissedOccurrence[], defaultNotify: Notify | null): PlannedAlert[] {
  return missed.flatMap(({ jobId, notify, scheduledFor }) => {
    const effective = notify ?? defaultNotify;
    if (!fires(effective, 'missed')) return [];
    const eventKey = `missed:job:${jobId}:${scheduledFor.toISOString()}`;
    return [{ jobId, runId: null, scheduledFor, event: 'missed' as const, eventKey, targets: effective.targets }];
  });
}
