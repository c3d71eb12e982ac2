import { notifyAlertSql } from '../../due-notices/alert-notice';
import type { Queryable } from '../../scheduler/sql/queryable';
import type { AlertingJob, OutcomeAlerts, PlannedAlert } from '../alert-plan';
import type { Notify } from '../notify';

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The streaks and notify of the jobs given, in the transaction that recorded their outcomes (which holds their rows). */
export async function readAlertingJobs(transaction: Queryable, jobIds: number[]): Promise<Map<number, AlertingJob>> {
  const { rows } = await transaction.query<{ id: number; consecutive_failures: number; notify: Notify | null }>(
    'SELECT id, consecutive_failures, notify FROM jobs WHERE id = ANY($1::int[])',
    [jobIds],
  );
  return new Map(rows.map((row) => [row.id, { id: row.id, consecutiveFailures: row.consecutive_failures, notify: row.notify }]));
}

/**
 * Writes the jobs' new streaks and the alerts' outbox rows, one per event and target, in one
 * statement of the caller's transaction: the one that records the outcomes or the skips, so an
 * event is in the outbox exactly when its cause is committed. The payload is the job and the run
 * as this transaction sees them. A missed occurrence's run is the skipped one, when there is one.
 * The unique (event_key, target_index) makes a second insert of one event do nothing. When it
 * inserts anything it notifies the deliverers, who hear it once the transaction commits.
 */
export async function recordAlerts(transaction: Queryable, { streaks, alerts }: OutcomeAlerts): Promise<void> {
  if (streaks.length === 0 && alerts.length === 0) return;
  const deliveries = alerts.flatMap((alert: PlannedAlert) =>
    alert.targets.map((target, index) => ({
      job_id: alert.jobId,
      run_id: alert.runId,
      scheduled_for: alert.scheduledFor,
      event: alert.event,
      event_key: alert.eventKey,
      target_index: index,
      target,
    })),
  );
  await transaction.query(
    `WITH streak AS (
       UPDATE jobs j SET consecutive_failures = s.consecutive_failures
         FROM json_to_recordset($1::json) AS s(job_id int, consecutive_failures int)
        WHERE j.id = s.job_id
     ),
     delivery AS (
       SELECT * FROM json_to_recordset($2::json)
                  AS d(job_id int, run_id bigint, scheduled_for timestamptz, event text, event_key text, target_index int, target jsonb)
     ),
     inserted AS (
       INSERT INTO alert_deliveries (job_id, run_id, event, event_key, target_index, target, payload)
       SELECT d.job_id, r.id, d.event::"AlertEvent", d.event_key, d.target_index, d.target,
              jsonb_build_object(
                'event', d.event,
                'job', jsonb_build_object('id', j.id, 'name', j.name, 'type', j.type, 'schedule', j.schedule, 'timezone', j.timezone),
                'scheduledFor', ${iso('coalesce(r.scheduled_for, d.scheduled_for)')},
                'run', CASE WHEN r.id IS NULL THEN NULL ELSE jsonb_build_object(
                  'id', r.id, 'status', r.status, 'scheduledFor', ${iso('r.scheduled_for')}, 'attempt', r.attempt,
                  'startedAt', ${iso('r.started_at')}, 'finishedAt', ${iso('r.finished_at')}, 'durationMs', r.duration_ms,
                  'error', r.error, 'instanceId', r.instance_id) END,
                'occurredAt', ${iso('now()')})
         FROM delivery d
         JOIN jobs j ON j.id = d.job_id
         LEFT JOIN LATERAL (
           SELECT x.* FROM job_runs x WHERE x.id = d.run_id
           UNION ALL
           SELECT x.* FROM job_runs x
            WHERE d.run_id IS NULL AND x.job_id = d.job_id AND x.scheduled_for = d.scheduled_for AND x.attempt = 1 AND x.status = 'skipped'
           LIMIT 1
         ) r ON true
       ON CONFLICT (event_key, target_index) DO NOTHING
       RETURNING 1
     )
     SELECT ${notifyAlertSql} WHERE EXISTS (SELECT FROM inserted)`,
    [JSON.stringify(streaks.map((streak) => ({ job_id: streak.jobId, consecutive_failures: streak.consecutiveFailures }))), JSON.stringify(deliveries)],
  );
}
