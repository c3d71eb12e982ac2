import type { Queryable } from '../../scheduler/sql/queryable';
import type { AlertEventName } from '../alert-kinds';
import type { AlertTarget } from '../notify';

export interface ClaimedDelivery {
  id: number;
  jobId: number;
  event: AlertEventName;
  eventKey: string;
  target: AlertTarget;
  payload: Record<string, unknown>;
  /** This attempt's number, from 1: it fences the settlement. */
  attempts: number;
}

/**
 * Takes up to `limit` pending deliveries that are due, in one statement: SKIP LOCKED lets every
 * instance deliver side by side, and moving next_attempt_at a lease ahead keeps the others off a
 * delivery in progress; one whose instance dies is due again when the lease ends.
 */
export async function claimDeliveries(pool: Queryable, limit: number, leaseMs: number, now: Date | null): Promise<ClaimedDelivery[]> {
  const { rows } = await pool.query<{ id: string; job_id: number; event: AlertEventName; event_key: string; target: AlertTarget; payload: Record<string, unknown>; attempts: number }>(
    `UPDATE alert_deliveries d
        SET attempts = d.attempts + 1, next_attempt_at = coalesce($3::timestamptz, now()) + $2 * interval '1 millisecond'
       FROM (SELECT id FROM alert_deliveries
              WHERE status = 'pending' AND next_attempt_at <= coalesce($3::timestamptz, now())
              ORDER BY next_attempt_at
              LIMIT $1
                FOR UPDATE SKIP LOCKED) due
      WHERE d.id = due.id
      RETURNING d.id, d.job_id, d.event, d.event_key, d.target, d.payload, d.attempts`,
    [limit, leaseMs, now],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    jobId: row.job_id,
    event: row.event,
    eventKey: row.event_key,
    target: row.target,
    payload: row.payload,
    attempts: row.attempts,
  }));
}

export type Settlement =
  | { outcome: 'delivered'; responseStatus: number | null }
  | { outcome: 'retried'; error: string; responseStatus: number | null; retryInMs: number }
  | { outcome: 'undeliverable'; error: string; responseStatus: number | null };

/** Records an attempt's result, only while the attempt still holds the delivery (its lease not taken over). */
export async function settleDelivery(pool: Queryable, delivery: ClaimedDelivery, settlement: Settlement, now: Date | null): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE alert_deliveries
        SET status = $3::"AlertDeliveryStatus",
            response_status = $4,
            last_error = $5,
            delivered_at = CASE WHEN $3 = 'delivered' THEN coalesce($7::timestamptz, now()) END,
            next_attempt_at = coalesce($7::timestamptz, now()) + coalesce($6, 0) * interval '1 millisecond'
      WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
    [
      delivery.id,
      delivery.attempts,
      settlement.outcome === 'retried' ? 'pending' : settlement.outcome,
      settlement.responseStatus,
      settlement.outcome === 'delivered' ? null : settlement.error,
      settlement.outcome === 'retried' ? settlement.retryInMs : null,
      now,
    ],
  );
  return rowCount === 1;
}
