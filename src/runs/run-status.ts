export const RUN_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'timed_out',
  'abandoned',
  'skipped',
  'retry_pending',
] as const;

export type RunStatusName = (typeof RUN_STATUSES)[number];

/** Statuses after which a run never changes again. */
export const FINISHED_STATUSES: readonly RunStatusName[] = ['succeeded', 'failed', 'timed_out', 'abandoned', 'skipped'];
