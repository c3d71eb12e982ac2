import type { AlertDelivery } from '../../generated/prisma/client';
import { ALERT_EVENTS } from '../alert-kinds';
import { AlertTargetResponse, NotifyResponse } from './notify.response';
import type { Notify } from '../notify';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'undeliverable'] as const;

/** One alert to one target, and how its delivery went. */
export class AlertDeliveryResponse {
  /** @example 7 */
  id: number;
  event: (typeof ALERT_EVENTS)[number];
  /** The run the event is about; null for an occurrence the misfire policy skipped without a run. @example 42 */
  runId: number | null;
  /** Sent as the Idempotency-Key header: the same for every target and attempt of one event. @example "failed:run:42" */
  eventKey: string;
  target: AlertTargetResponse;
  /** pending: to be sent (or retried at nextAttemptAt); delivered; undeliverable: every attempt failed. */
  status: (typeof DELIVERY_STATUSES)[number];
  /** @example 1 */
  attempts: number;
  /** When a pending delivery is tried next. */
  nextAttemptAt: Date | null;
  /** What the last failed attempt met. */
  lastError: string | null;
  /** The webhook's answer to the last attempt; null for e-mail or no answer. @example 204 */
  responseStatus: number | null;
  createdAt: Date;
  deliveredAt: Date | null;

  static from(delivery: AlertDelivery): AlertDeliveryResponse {
    return {
      id: Number(delivery.id),
      event: delivery.event,
      runId: delivery.runId === null ? null : Number(delivery.runId),
      eventKey: delivery.eventKey,
      target: delivery.target as AlertTargetResponse,
      status: delivery.status,
      attempts: delivery.attempts,
      nextAttemptAt: delivery.status === 'pending' ? delivery.nextAttemptAt : null,
      lastError: delivery.lastError,
      responseStatus: delivery.responseStatus,
      createdAt: delivery.createdAt,
      deliveredAt: delivery.deliveredAt,
    };
  }
}

/** Where a job's alerting stands, and its deliveries, newest first. */
export class JobAlertsResponse {
  /** Occurrences in a row whose last attempt failed or timed out; 0 after a success. @example 0 */
  consecutiveFailures: number;
  /** The notify in force: the job's own, or the service's default. */
  notify: NotifyResponse | null;
  /** True when the job has no notify of its own and the service's default applies. */
  usesDefault: boolean;
  data: AlertDeliveryResponse[];
  /** @example 1 */
  total: number;
  /** @example 20 */
  limit: number;
  /** @example 0 */
  offset: number;

  static of(job: { notify: unknown; consecutiveFailures: number }, defaultNotify: Notify | null): Pick<JobAlertsResponse, 'consecutiveFailures' | 'notify' | 'usesDefault'> {
    const own = job.notify as Notify | null;
    return { consecutiveFailures: job.consecutiveFailures, notify: own ?? defaultNotify, usesDefault: own === null };
  }
}
