/**
 * The seam between whoever puts alerts in the outbox (the transactions that record outcomes and
 * skips, on any instance, worker or scheduler) and the scheduling instances that deliver them: a
 * notification sent in the writing transaction, so delivered only if it commits. It carries no
 * payload: a deliverer that hears it looks for due deliveries at once instead of at its next poll.
 */
export const ALERT_CHANNEL = 'job_scheduler_alert';

/** A SQL expression that announces new deliveries; select it in the transaction that writes them. */
export const notifyAlertSql = `pg_notify('${ALERT_CHANNEL}', '')`;
