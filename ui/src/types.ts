// The shapes of the public REST API, as documented in README.md ("The job", "Run history").

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
export type RunStatus = (typeof RUN_STATUSES)[number];

export const JOB_TYPES = ['log', 'http', 'shell'] as const;

export interface Job {
  id: number;
  name: string;
  description: string | null;
  schedule: string;
  timezone: string;
  type: string;
  params: Record<string, unknown>;
  tags: string[];
  isActive: boolean;
  overlapPolicy: 'allow' | 'forbid';
  misfirePolicy: 'run_once' | 'skip';
  maxAttempts: number;
  retryBackoffMs: number;
  timeoutMs: number;
  lastRun: string | null;
  lastStatus: RunStatus | null;
  nextRun: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Run {
  id: number;
  jobId: number;
  scheduledFor: string;
  attempt: number;
  status: RunStatus;
  instanceId: string | null;
  runAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
  output: string | null;
  leaseExpiresAt: string | null;
  createdAt: string;
}

/** A run in GET /runs, across jobs. */
export interface JobRun extends Run {
  jobName: string;
}

/** A job's latest runs, as GET /runs/recent answers them for a history strip. */
export interface RecentRuns {
  jobId: number;
  runs: Pick<Run, 'id' | 'status' | 'scheduledFor' | 'startedAt' | 'durationMs'>[];
}

export interface Page<T> {
  data: T[];
  total: number;
  limit: number;
  offset: number;
}

/** A job as POST /jobs and PATCH /jobs/:id take it. */
export type JobInput = Pick<
  Job,
  | 'name'
  | 'description'
  | 'schedule'
  | 'timezone'
  | 'type'
  | 'params'
  | 'tags'
  | 'isActive'
  | 'overlapPolicy'
  | 'misfirePolicy'
  | 'maxAttempts'
  | 'retryBackoffMs'
  | 'timeoutMs'
>;

export type AuditAction = 'create' | 'update' | 'delete' | 'pause' | 'resume' | 'run';

/** One field of a change: `before` absent when the job was created, `after` when it was deleted; secrets are "[redacted]". */
export interface ChangedField {
  field: string;
  before?: unknown;
  after?: unknown;
}

/** An entry of the audit log (GET /jobs/:id/changes, GET /audit). */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  via: 'api-key' | 'oidc' | 'open';
  address: string | null;
  action: AuditAction;
  jobId: number;
  jobName: string;
  runId: number | null;
  changes: ChangedField[];
}
