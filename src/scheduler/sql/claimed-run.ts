/** A run this instance holds the lease of and is about to execute, with what executing it needs. */
export interface ClaimedRun {
  id: number;
  jobId: number;
  jobName: string;
  type: string;
  params: Record<string, unknown>;
  scheduledFor: Date;
  attempt: number;
  startedAt: Date;
  timeoutMs: number;
  retryBackoffMs: number;
}

export interface ClaimedRunRow {
  id: string;
  job_id: number;
  job_name: string;
  type: string;
  params: Record<string, unknown>;
  scheduled_for: Date;
  attempt: number;
  started_at: Date;
  timeout_ms: number;
  retry_backoff_ms: number;
}

export function toClaimedRun(row: ClaimedRunRow): ClaimedRun {
  return {
    id: Number(row.id),
    jobId: row.job_id,
    jobName: row.job_name,
    type: row.type,
    params: row.params,
    scheduledFor: row.scheduled_for,
    attempt: row.attempt,
    startedAt: row.started_at,
    timeoutMs: row.timeout_ms,
    retryBackoffMs: row.retry_backoff_ms,
  };
}
