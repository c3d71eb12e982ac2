import { Injectable } from '@nestjs/common';
import type { Queryable } from '../scheduler/sql/queryable';
import { type FinalOutcome, type MissedOccurrence, planMissedAlerts, planOutcomeAlerts } from './alert-plan';
import { AlertSettings } from './alert-settings';
import { readAlertingJobs, recordAlerts } from './sql/record-alerts';

/**
 * Puts alerts in the outbox (alert_deliveries) inside the scheduler's own transactions: the one
 * that records outcomes, and the claim that records skips. The AlertDeliverer sends them later.
 */
@Injectable()
export class AlertOutbox {
  constructor(private readonly settings: AlertSettings) {}

  async recordOutcomes(transaction: Queryable, outcomes: FinalOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const jobs = await readAlertingJobs(transaction, [...new Set(outcomes.map((outcome) => outcome.jobId))]);
    await recordAlerts(transaction, planOutcomeAlerts(outcomes, jobs, this.settings.defaultNotify));
  }

  async recordMissed(transaction: Queryable, missed: MissedOccurrence[]): Promise<void> {
    await recordAlerts(transaction, { streaks: [], alerts: planMissedAlerts(missed, this.settings.defaultNotify) });
  }
}
