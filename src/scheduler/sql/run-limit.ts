/**
 * SQL fragments of a job's bound on runs at once, across all instances, for a row of jobs aliased
 * `job`. Its maxConcurrency, or 1 under overlapPolicy forbid; null: no bound.
 */
export const runLimitSql = (job: string) => `coalesce(${job}.max_concurrency, CASE WHEN ${job}.overlap_policy = 'forbid' THEN 1 END)`;

/** The job's runs that hold a slot: executing, or queued for a worker. */
export const inFlightSql = (job: string) => `(SELECT count(*) FROM job_runs f WHERE f.job_id = ${job}.id AND f.status IN ('running', 'queued'))`;

/** The job's pending runs (retries, manual runs) due before `before` (an SQL condition on the run `p`). */
export const pendingAheadSql = (job: string, before: string) =>
  `(SELECT count(*) FROM job_runs p WHERE p.job_id = ${job}.id AND p.status = 'retry_pending' AND ${before})`;

/**
 * The job row is the version this statement's snapshot saw. A claim that locks a job row updated
 * by a transaction committed after the snapshot (another instance's claim of the same job) sees
 * the new row but counts its runs in the old snapshot, which misses the runs that claim started:
 * such a job is left to the next claim instead.
 */
export const sameVersionSql = (job: string) => `${job}.xmin = (SELECT s.xmin FROM jobs s WHERE s.id = ${job}.id)`;
