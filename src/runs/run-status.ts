export const RUN_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'abandoned',
  'skipped',
  'retry_pending',
  'cancelled',
] as const;

export type RunStatus = (typeof RUN_STATUSES)[number];
