/**
 * The seam between whoever makes work due sooner (the API: a job created, updated or resumed, a run
 * asked for; the executor: a retry scheduled) and whoever schedules: a PostgreSQL notification on a
 * channel of the service's own, sent in the writer's transaction and so delivered only if it commits.
 * The payload is only the instant the new work falls due, in epoch milliseconds.
 */
export const DUE_CHANNEL = 'job_scheduler_due';

/** A SQL expression that notifies the instant `at` (a timestamptz expression); send it in the writing transaction. */
export const notifyDueSql = (at: string) => `pg_notify('${DUE_CHANNEL}', (extract(epoch FROM ${at}) * 1000)::bigint::text)`;

/** The instant a notification names, or undefined for a payload this service never sends. */
export function parseDueNotice(payload: string | undefined): Date | undefined {
  if (payload === undefined || !/^\d{1,16}$/.test(payload)) return undefined;
  return new Date(Number(payload));
}

/** The payload announcing `at`, for writers that pass it as a parameter: `SELECT pg_notify($channel, $payload)`. */
export const dueNoticePayload = (at: Date) => String(at.getTime());
