import type { Queryable } from './queryable';

export interface LeaseRenewal {
  /** Runs still running under this instance: their leases now run on. */
  held: Set<number>;
  /** Runs taken from this instance: abandoned (its lease had expired), or gone. */
  lost: Set<number>;
  /** Runs cancelled through the API while this instance executed them. */
  cancelled: Set<number>;
}

/**
 * Renews the leases of this instance's in-flight runs and says which it no longer holds. A run that
 * this instance finished a moment ago (its outcome committed while the run still counted as in
 * flight) is neither held nor lost; nor is one whose outcome commits during this statement: the
 * UPDATE skips it, while the statement's snapshot still sees it running here. `now` is the renewal's
 * clock (the database's when null).
 */
export async function extendLeases(pool: Queryable, runIds: number[], instanceId: string, leaseMs: number, now: Date | null): Promise<LeaseRenewal> {
  if (runIds.length === 0) return { held: new Set(), lost: new Set(), cancelled: new Set() };
  const { rows } = await pool.query<{ id: string; held: boolean; lost: boolean; cancelled: boolean }>(
    `WITH extended AS (
       UPDATE job_runs SET lease_expires_at = coalesce($4::timestamptz, now()) + $3 * interval '1 millisecond'
        WHERE id = ANY($1::bigint[]) AND status = 'running' AND instance_id = $2
       RETURNING id
     )
     SELECT asked.id, e.id IS NOT NULL AS held,
            e.id IS NULL AND (r.id IS NULL OR r.status = 'abandoned' OR r.instance_id IS DISTINCT FROM $2) AS lost,
            e.id IS NULL AND r.status = 'cancelled' AND r.instance_id = $2 AS cancelled
       FROM unnest($1::bigint[]) AS asked(id)
       LEFT JOIN extended e ON e.id = asked.id
       LEFT JOIN job_runs r ON r.id = asked.id`,
    [runIds, instanceId, leaseMs, now],
  );
  return {
    held: new Set(rows.filter((row) => row.held).map((row) => Number(row.id))),
    lost: new Set(rows.filter((row) => row.lost).map((row) => Number(row.id))),
    cancelled: new Set(rows.filter((row) => row.cancelled).map((row) => Number(row.id))),
  };
}
