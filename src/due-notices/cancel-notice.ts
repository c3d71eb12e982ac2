/**
 * The seam between the API, which marks a run cancelled, and the instance executing it: a
 * notification sent in the cancelling transaction, the run's id as payload. An instance that does
 * not listen (a broker-mode worker) or missed it still sees the status at its next lease renewal.
 */
export const CANCEL_CHANNEL = 'job_scheduler_cancel';

/** The run a notification names, or undefined for a payload this service never sends. */
export function parseCancelNotice(payload: string | undefined): number | undefined {
  if (payload === undefined || !/^\d{1,16}$/.test(payload)) return undefined;
  return Number(payload);
}
